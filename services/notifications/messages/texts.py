"""What residents read, in English, Afrikaans and isiXhosa. Every SMS fits one 160-character
GSM-7 segment: the fixed wording is short, and the names that vary (community, venue,
department, a referral note) are shortened when a long one would not fit.

The isiXhosa and Afrikaans wording should be read by first-language speakers at the city
before going live; the tests check length and alphabet, not idiom."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import StrEnum
from typing import Final

from shared.contracts.common import Language

__all__ = ["FOOTER", "LINKS", "SMS", "SUBJECT", "Template", "department_name", "visit_day"]


class Template(StrEnum):
    LOGGED = "logged"
    ROUTED = "routed"
    REFERRED = "referred"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"
    CLOSED = "closed"
    # Resolved or closed, and why (a "fixed" resolution is RESOLVED):
    NO_FURTHER_ACTION = "no_further_action"
    NOT_RESPONSIBLE = "not_responsible"
    DUPLICATE = "duplicate"
    REFERRED_ON = "referred_on"
    REOPENED = "reopened"  # the resident said it was not fixed
    DIGEST = "digest"  # a department supervisor's daily list of escalated requests
    VISIT_SCHEDULED = "visit_scheduled"
    VISIT_CHANGED = "visit_changed"
    VISIT_CANCELLED = "visit_cancelled"
    CONFIRM_BY_SMS = "confirm_by_sms"  # a new visit subscription, by SMS: reply YES
    CONFIRM_BY_EMAIL = "confirm_by_email"  # by e-mail: open the link
    # An application's decision (the catalogue names the service, papers and reasons):
    APPLIED = "applied"  # an application logged: as LOGGED, for an application
    MORE_INFO = "more_info"  # papers to bring, at the next visit to the community
    MORE_INFO_ANY = "more_info_any"  # papers to bring, no visit announced yet
    APPROVED = "approved"
    APPROVED_UNTIL = "approved_until"  # an approval that ends: a reminder comes before
    DECLINED = "declined"  # why, and until when to appeal
    WITHDRAWN = "withdrawn"
    RENEW = "renew"  # 30 days before an approval ends
    RENEW_AT = "renew_at"  # the same, naming the next visit to the resident's community
    ANSWER = "answer"  # an SMS command's answer, its words made when asked (answers/)
    FIXED_CHECK = "fixed_check"  # days after it was resolved: was it fixed? (FIXED / NOT FIXED)


CALL_CENTRE: Final = "0860 103 089"

SMS: Final[Mapping[Language, Mapping[Template, str]]] = {
    Language.EN: {
        Template.LOGGED: "Cape Town Mobile Office: your request is logged. Ref {reference}. "
        "Quote it when you follow up. Reply STOP to end SMSes.",
        Template.APPLIED: "Cape Town Mobile Office: your application is logged. Ref "
        "{reference}. Quote it when you follow up. Reply STOP to end SMSes.",
        Template.ROUTED: "Ref {reference}: your request was sent to {department}. "
        "We will SMS you when there is progress.",
        Template.REFERRED: "Ref {reference}: the City cannot handle this request. {note}",
        Template.ACKNOWLEDGED: "Ref {reference}: {department} has received your request "
        "and will attend to it.",
        Template.RESOLVED: "Ref {reference}: {department} reports your request resolved. "
        "If not, call " + CALL_CENTRE + " and quote the ref.",
        Template.CLOSED: "Ref {reference}: your request is closed. "
        "Thank you for using the Mobile Office.",
        Template.NO_FURTHER_ACTION: "Ref {reference}: {department} will take no further "
        "action: {note}",
        Template.NOT_RESPONSIBLE: "Ref {reference}: {department} is not responsible for this. "
        "Please contact {note}",
        Template.DUPLICATE: "Ref {reference} is the same problem as ref {other}, reported "
        "before. You will get the news of ref {other}.",
        Template.REFERRED_ON: "Ref {reference}: {department} has passed your request to "
        "another body. {note}",
        Template.REOPENED: "Ref {reference}: your request is open again. {department} will "
        "attend to it.",
        Template.DIGEST: "Mobile Office: requests of {department} still open well past their "
        "service standard: {note}",
        Template.VISIT_SCHEDULED: "Mobile Office visits {community} on {date}, {hours} at "
        "{venue}. Bring your municipal account or ID.",
        Template.VISIT_CHANGED: "Mobile Office visit to {community} moved to {date}, {hours} "
        "at {venue}.",
        Template.VISIT_CANCELLED: "Mobile Office visit to {community} on {date} at {venue} is "
        "cancelled. We will SMS the new date.",
        Template.CONFIRM_BY_SMS: "Mobile Office: reply YES to get SMSes about visits to "
        "{community}. Reply STOP VISITS to stop them.",
        Template.CONFIRM_BY_EMAIL: "Mobile Office: open the link below to get e-mails about "
        "visits to {community}.",
        Template.MORE_INFO: "Ref {reference}: please bring {note} to the Mobile Office, "
        "{community} {date} {hours}, {venue}.",
        Template.MORE_INFO_ANY: "Ref {reference}: please bring {note} to the Mobile Office "
        "when it next visits your area.",
        Template.APPROVED: "Ref {reference}: your application for {service} is approved from "
        "{date}.",
        Template.APPROVED_UNTIL: "Ref {reference}: your {service} is approved from {date} "
        "until {until}. We will SMS before it ends.",
        Template.DECLINED: "Ref {reference}: your application is declined. Appeal by {until} "
        "at the Mobile Office. Why: {note}",
        Template.WITHDRAWN: "Ref {reference}: your application is withdrawn, as you asked.",
        Template.RENEW: "Ref {reference}: your {service} ends on {until}. Renew it at the "
        "Mobile Office in {community} before then.",
        Template.RENEW_AT: "Ref {reference}: your {service} ends on {until}. Renew it at the "
        "Mobile Office, {community} {date} {hours}, {venue}.",
        Template.ANSWER: "{note}",
        Template.FIXED_CHECK: "Ref {reference}: was it fixed? Reply FIXED {reference} or "
        "NOT FIXED {reference}. Cape Town Mobile Office",
    },
    Language.AF: {
        Template.LOGGED: "Kaapstad Mobiele Kantoor: u versoek is aangeteken. Verw {reference}. "
        "Noem dit as u opvolg. Antwoord STOP vir geen SMS.",
        Template.APPLIED: "Kaapstad Mobiele Kantoor: u aansoek is aangeteken. Verw {reference}. "
        "Noem dit as u opvolg. Antwoord STOP vir geen SMS.",
        Template.ROUTED: "Verw {reference}: u versoek is na {department} gestuur. "
        "Ons SMS u wanneer daar vordering is.",
        Template.REFERRED: "Verw {reference}: die Stad kan nie hierdie versoek hanteer nie. {note}",
        Template.ACKNOWLEDGED: "Verw {reference}: {department} het u versoek ontvang en sal "
        "daaraan aandag gee.",
        Template.RESOLVED: "Verw {reference}: {department} meld u versoek is opgelos. "
        "Indien nie, bel " + CALL_CENTRE + " met die verw.",
        Template.CLOSED: "Verw {reference}: u versoek is gesluit. "
        "Dankie dat u die Mobiele Kantoor gebruik.",
        Template.NO_FURTHER_ACTION: "Verw {reference}: {department} neem geen verdere "
        "stappe nie: {note}",
        Template.NOT_RESPONSIBLE: "Verw {reference}: {department} is nie hiervoor "
        "verantwoordelik nie. Kontak asseblief {note}",
        Template.DUPLICATE: "Verw {reference} is dieselfde probleem as verw {other}, reeds "
        "aangemeld. U kry voortaan die nuus van verw {other}.",
        Template.REFERRED_ON: "Verw {reference}: {department} het u versoek na 'n ander "
        "instansie verwys. {note}",
        Template.REOPENED: "Verw {reference}: u versoek is weer oop. {department} sal "
        "daaraan aandag gee.",
        Template.DIGEST: "Mobiele Kantoor: versoeke van {department} nog oop lank na hul "
        "diensstandaard: {note}",
        Template.VISIT_SCHEDULED: "Mobiele Kantoor besoek {community} op {date}, {hours} by "
        "{venue}. Bring u munisipale rekening of ID.",
        Template.VISIT_CHANGED: "Mobiele Kantoor se besoek aan {community} is verskuif na "
        "{date}, {hours} by {venue}.",
        Template.VISIT_CANCELLED: "Mobiele Kantoor se besoek aan {community} op {date} by "
        "{venue} is gekanselleer. Ons SMS die nuwe datum.",
        Template.CONFIRM_BY_SMS: "Mobiele Kantoor: antwoord YES vir SMS'e oor besoeke aan "
        "{community}. Antwoord STOP VISITS om dit te stop.",
        Template.CONFIRM_BY_EMAIL: "Mobiele Kantoor: open die skakel hieronder vir e-posse oor "
        "besoeke aan {community}.",
        Template.MORE_INFO: "Verw {reference}: bring asseblief {note} na die Mobiele Kantoor, "
        "{community} {date} {hours}, {venue}.",
        Template.MORE_INFO_ANY: "Verw {reference}: bring asseblief {note} na die Mobiele "
        "Kantoor se volgende besoek aan u area.",
        Template.APPROVED: "Verw {reference}: u aansoek vir {service} is goedgekeur vanaf {date}.",
        Template.APPROVED_UNTIL: "Verw {reference}: u {service} is goedgekeur van {date} tot "
        "{until}. Ons SMS voor dit verval.",
        Template.DECLINED: "Verw {reference}: u aansoek is afgekeur. Appelleer voor {until} by "
        "die Mobiele Kantoor. Rede: {note}",
        Template.WITHDRAWN: "Verw {reference}: u aansoek is teruggetrek, soos u gevra het.",
        Template.RENEW: "Verw {reference}: u {service} verval op {until}. Hernu dit by die "
        "Mobiele Kantoor in {community} voor dan.",
        Template.RENEW_AT: "Verw {reference}: u {service} verval op {until}. Hernu dit by die "
        "Mobiele Kantoor, {community} {date} {hours}, {venue}.",
        Template.ANSWER: "{note}",
        Template.FIXED_CHECK: "Verw {reference}: is dit reggemaak? Antwoord FIXED {reference} "
        "of NOT FIXED {reference}. Kaapstad Mobiele Kantoor",
    },
    Language.XH: {
        Template.LOGGED: "I-Ofisi eHambayo yaseKapa: isicelo sakho sibhalisiwe. Inombolo "
        "{reference}. Yisebenzise xa ulandelela. Phendula STOP.",
        Template.APPLIED: "I-Ofisi eHambayo yaseKapa: isicelo sakho sibhalisiwe. Inombolo "
        "{reference}. Yisebenzise xa ulandelela. Phendula STOP.",
        Template.ROUTED: "Inombolo {reference}: isicelo sakho sithunyelwe ku-{department}. "
        "Siza kuthumela i-SMS xa kukho inkqubela.",
        Template.REFERRED: "Inombolo {reference}: iSixeko asinakusisingatha esi sicelo. {note}",
        Template.ACKNOWLEDGED: "Inombolo {reference}: i-{department} isifumene isicelo sakho "
        "kwaye iza kusisingatha.",
        Template.RESOLVED: "Inombolo {reference}: i-{department} ithi isicelo sisonjululwe. "
        "Ukuba akunjalo, tsalela " + CALL_CENTRE + ".",
        Template.CLOSED: "Inombolo {reference}: isicelo sakho sivaliwe. Enkosi ngokusebenzisa "
        "i-Ofisi eHambayo.",
        Template.NO_FURTHER_ACTION: "Inombolo {reference}: i-{department} ayizukuthatha "
        "manyathelo angakumbi: {note}",
        Template.NOT_RESPONSIBLE: "Inombolo {reference}: i-{department} ayinaxanduva kule "
        "nto. Nceda uqhagamshelane no-{note}",
        Template.DUPLICATE: "Inombolo {reference} yingxaki efanayo ne-{other}, ebikwe "
        "ngaphambili. Uza kufumana iindaba ze-{other}.",
        Template.REFERRED_ON: "Inombolo {reference}: i-{department} isidlulisele isicelo "
        "sakho kwelinye iziko. {note}",
        Template.REOPENED: "Inombolo {reference}: isicelo sakho sivulekile kwakhona. "
        "I-{department} iza kusisingatha.",
        Template.DIGEST: "I-Ofisi eHambayo: izicelo ze-{department} zisavulekile emva "
        "komgangatho wenkonzo: {note}",
        Template.VISIT_SCHEDULED: "I-Ofisi eHambayo iza e-{community} ngo-{date}, {hours} "
        "e-{venue}. Phatha i-akhawunti kamasipala okanye i-ID.",
        Template.VISIT_CHANGED: "Utyelelo lwe-Ofisi eHambayo e-{community} lufudukele "
        "ngo-{date}, {hours} e-{venue}.",
        Template.VISIT_CANCELLED: "Utyelelo lwe-Ofisi eHambayo e-{community} ngo-{date} "
        "e-{venue} lurhoxisiwe. Siza kuthumela umhla omtsha.",
        Template.CONFIRM_BY_SMS: "I-Ofisi eHambayo: phendula YES ufumane ii-SMS ngotyelelo "
        "e-{community}. Phendula STOP VISITS ukuziyeka.",
        Template.CONFIRM_BY_EMAIL: "I-Ofisi eHambayo: vula ikhonkco elingezantsi ufumane "
        "ii-imeyile ngotyelelo e-{community}.",
        Template.MORE_INFO: "Inombolo {reference}: nceda uzise {note} kwi-Ofisi eHambayo, "
        "{community} {date} {hours}, {venue}.",
        Template.MORE_INFO_ANY: "Inombolo {reference}: nceda uzise {note} kwi-Ofisi eHambayo "
        "xa ityelela indawo yakho.",
        Template.APPROVED: "Inombolo {reference}: isicelo sakho se-{service} samkelwe ukusukela "
        "nge-{date}.",
        Template.APPROVED_UNTIL: "Inombolo {reference}: i-{service} yamkelwe ukusuka nge-{date} "
        "ukuya nge-{until}. Siza kuthumela i-SMS.",
        Template.DECLINED: "Inombolo {reference}: isicelo asamkelwanga. Bhena ngaphambi "
        "kwe-{until} e-Ofisini eHambayo. Isizathu: {note}",
        Template.WITHDRAWN: "Inombolo {reference}: isicelo sakho sirhoxisiwe, njengoko ucelile.",
        Template.RENEW: "Inombolo {reference}: i-{service} yakho iphela nge-{until}. "
        "Yihlaziye kwi-Ofisi eHambayo e-{community}.",
        Template.RENEW_AT: "Inombolo {reference}: i-{service} yakho iphela nge-{until}. "
        "Yihlaziye kwi-Ofisi eHambayo, {community} {date} {hours}, {venue}.",
        Template.ANSWER: "{note}",
        Template.FIXED_CHECK: "Inombolo {reference}: ingaba ilungisiwe? Phendula FIXED "
        "{reference} okanye NOT FIXED {reference}. I-Ofisi eHambayo",
    },
}

SUBJECT: Final[Mapping[Language, Mapping[str, str]]] = {
    Language.EN: {
        "request": "Your Mobile Office request {reference}",
        "visit": "Mobile Office visit to {community}",
        "digest": "Overdue requests of {department}",
    },
    Language.AF: {
        "request": "U Mobiele Kantoor-versoek {reference}",
        "visit": "Mobiele Kantoor besoek aan {community}",
        "digest": "Agterstallige versoeke van {department}",
    },
    Language.XH: {
        "request": "Isicelo sakho se-Ofisi eHambayo {reference}",
        "visit": "Utyelelo lwe-Ofisi eHambayo e-{community}",
        "digest": "Izicelo ezidlulelwe lixesha ze-{department}",
    },
}

LINKS: Final[Mapping[Language, Mapping[str, str]]] = {
    Language.EN: {
        "confirm": "Confirm",
        "unsubscribe": "Stop these e-mails",
        "follow": "Follow your request",
    },
    Language.AF: {
        "confirm": "Bevestig",
        "unsubscribe": "Stop hierdie e-posse",
        "follow": "Volg u versoek",
    },
    Language.XH: {
        "confirm": "Qinisekisa",
        "unsubscribe": "Yeka ezi imeyile",
        "follow": "Landela isicelo sakho",
    },
}
"""Labels of the links an e-mail carries, in the resident's language."""

FOOTER: Final[Mapping[Language, str]] = {
    Language.EN: "You receive this because you asked the Mobile Office for updates. "
    "City of Cape Town, " + CALL_CENTRE + ".",
    Language.AF: "U ontvang dit omdat u die Mobiele Kantoor vir nuus gevra het. "
    "Stad Kaapstad, " + CALL_CENTRE + ".",
    Language.XH: "Ufumana oku kuba ucele i-Ofisi eHambayo ukuba ikwazise. "
    "iSixeko saseKapa, " + CALL_CENTRE + ".",
}

_SHORT_DEPARTMENTS: Final = {
    "water-and-sanitation": "Water & Sanitation",
    "electricity": "Electricity",
    "solid-waste": "Solid Waste",
    "revenue": "Revenue",
    "valuations": "Valuations",
    "recreation-and-parks": "Recreation & Parks",
    "roads-and-stormwater": "Roads & Stormwater",
}

_DAYS: Final = {
    Language.EN: ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    Language.AF: ("Ma", "Di", "Wo", "Do", "Vr", "Sa", "So"),
    Language.XH: ("Mvulo", "Lwesibini", "Lwesithathu", "Lwesine", "Lwesihlanu", "Mgqibelo", "Cawe"),
}
_MONTHS: Final = {
    Language.EN: tuple("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()),  # noqa: SIM905
    Language.AF: tuple("Jan Feb Mrt Apr Mei Jun Jul Aug Sep Okt Nov Des".split()),  # noqa: SIM905
    Language.XH: tuple("Jan Feb Mat Epr Mey Jun Jul Aga Sep Okt Nov Dis".split()),  # noqa: SIM905
}


def department_name(slug: str) -> str:
    return _SHORT_DEPARTMENTS.get(slug, slug.replace("-", " ").title())


def visit_day(day: dt.date, language: Language) -> str:
    """`Tue 8 Dec` in the resident's language."""
    return f"{_DAYS[language][day.weekday()]} {day.day} {_MONTHS[language][day.month - 1]}"
