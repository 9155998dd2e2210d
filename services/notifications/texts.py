"""What residents read, in English, Afrikaans and isiXhosa. Every SMS fits one 160-character
GSM-7 segment: the fixed wording is short, and the names that vary (community, venue,
department, a referral note) are shortened when a long one would not fit.

The isiXhosa and Afrikaans wording should be read by first-language speakers at the city
before going live; the tests check length and alphabet, not idiom."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from pydantic import BaseModel, ConfigDict

from services.notifications.gsm import SEGMENT, gsm_length, to_gsm7
from shared.contracts.common import Language
from shared.reference import format_for_reading

__all__ = [
    "SHORTENABLE",
    "Message",
    "MessageFacts",
    "Template",
    "compose",
    "department_name",
    "render",
    "visit_day",
]


class Template(StrEnum):
    LOGGED = "logged"
    ROUTED = "routed"
    REFERRED = "referred"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"
    CLOSED = "closed"
    VISIT_SCHEDULED = "visit_scheduled"
    VISIT_CHANGED = "visit_changed"
    VISIT_CANCELLED = "visit_cancelled"


CALL_CENTRE: Final = "0860 103 089"

_SMS: Final[Mapping[Language, Mapping[Template, str]]] = {
    Language.EN: {
        Template.LOGGED: "Cape Town Mobile Office: your request is logged. Ref {reference}. "
        "Quote it when you follow up. Reply STOP to end SMSes.",
        Template.ROUTED: "Ref {reference}: your request was sent to {department}. "
        "We will SMS you when there is progress.",
        Template.REFERRED: "Ref {reference}: the City cannot handle this request. {note}",
        Template.ACKNOWLEDGED: "Ref {reference}: {department} has received your request "
        "and will attend to it.",
        Template.RESOLVED: "Ref {reference}: {department} reports your request resolved. "
        "If not, call " + CALL_CENTRE + " and quote the ref.",
        Template.CLOSED: "Ref {reference}: your request is closed. "
        "Thank you for using the Mobile Office.",
        Template.VISIT_SCHEDULED: "Mobile Office visits {community} on {date}, {hours} at "
        "{venue}. Bring your municipal account or ID.",
        Template.VISIT_CHANGED: "Mobile Office visit to {community} moved to {date}, {hours} "
        "at {venue}.",
        Template.VISIT_CANCELLED: "Mobile Office visit to {community} on {date} at {venue} is "
        "cancelled. We will SMS the new date.",
    },
    Language.AF: {
        Template.LOGGED: "Kaapstad Mobiele Kantoor: u versoek is aangeteken. Verw {reference}. "
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
        Template.VISIT_SCHEDULED: "Mobiele Kantoor besoek {community} op {date}, {hours} by "
        "{venue}. Bring u munisipale rekening of ID.",
        Template.VISIT_CHANGED: "Mobiele Kantoor se besoek aan {community} is verskuif na "
        "{date}, {hours} by {venue}.",
        Template.VISIT_CANCELLED: "Mobiele Kantoor se besoek aan {community} op {date} by "
        "{venue} is gekanselleer. Ons SMS die nuwe datum.",
    },
    Language.XH: {
        Template.LOGGED: "I-Ofisi eHambayo yaseKapa: isicelo sakho sibhalisiwe. Inombolo "
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
        Template.VISIT_SCHEDULED: "I-Ofisi eHambayo iza e-{community} ngo-{date}, {hours} "
        "e-{venue}. Phatha i-akhawunti kamasipala okanye i-ID.",
        Template.VISIT_CHANGED: "Utyelelo lwe-Ofisi eHambayo e-{community} lufudukele "
        "ngo-{date}, {hours} e-{venue}.",
        Template.VISIT_CANCELLED: "Utyelelo lwe-Ofisi eHambayo e-{community} ngo-{date} "
        "e-{venue} lurhoxisiwe. Siza kuthumela umhla omtsha.",
    },
}

_SUBJECT: Final[Mapping[Language, Mapping[str, str]]] = {
    Language.EN: {
        "request": "Your Mobile Office request {reference}",
        "visit": "Mobile Office visit to {community}",
    },
    Language.AF: {
        "request": "U Mobiele Kantoor-versoek {reference}",
        "visit": "Mobiele Kantoor besoek aan {community}",
    },
    Language.XH: {
        "request": "Isicelo sakho se-Ofisi eHambayo {reference}",
        "visit": "Utyelelo lwe-Ofisi eHambayo e-{community}",
    },
}

_FOOTER: Final[Mapping[Language, str]] = {
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

SHORTENABLE: Final = ("note", "venue", "community", "department")
"""Parameters that may be shortened so an SMS fits one segment, longest first."""


@dataclass(frozen=True, slots=True)
class Message:
    sms: str
    subject: str
    body: str


class MessageFacts(BaseModel):
    """What a message is about, as stored with its delivery: facts, not wording. The words,
    the language's day and month names and the shortening that fits one SMS are all
    decided by `compose` at send time."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    reference: str | None = None
    department: str | None = None  # slug
    note: str | None = None  # a referral's: whom to contact instead
    community: str | None = None
    venue: str | None = None
    date: dt.date | None = None
    starts: dt.time | None = None  # local time of day
    ends: dt.time | None = None


def compose(template: Template, language: Language, facts: MessageFacts) -> Message:
    """The message a resident receives: the one place facts become text."""
    hours = f"{facts.starts:%H:%M}-{facts.ends:%H:%M}" if facts.starts and facts.ends else None
    params = {
        "reference": format_for_reading(facts.reference) if facts.reference else None,
        "department": department_name(facts.department) if facts.department else None,
        "note": facts.note,
        "community": facts.community,
        "venue": facts.venue,
        "date": visit_day(facts.date, language) if facts.date else None,
        "hours": hours,
    }
    return render(template, language, {k: v for k, v in params.items() if v is not None})


def department_name(slug: str) -> str:
    return _SHORT_DEPARTMENTS.get(slug, slug.replace("-", " ").title())


def visit_day(day: dt.date, language: Language) -> str:
    """`Tue 8 Dec` in the resident's language."""
    return f"{_DAYS[language][day.weekday()]} {day.day} {_MONTHS[language][day.month - 1]}"


def render(template: Template, language: Language, params: Mapping[str, str]) -> Message:
    sms = _fit(_SMS[language][template], {k: to_gsm7(v) for k, v in params.items()})
    kind = "visit" if template.value.startswith("visit") else "request"
    subject = _SUBJECT[language][kind].format_map(_Defaults(params))
    full = _SMS[language][template].format_map(_Defaults(params))
    return Message(sms=sms, subject=subject, body=f"{full}\n\n{_FOOTER[language]}\n")


def _fit(pattern: str, params: dict[str, str]) -> str:
    """Shorten the longest shortenable parameter a character at a time until it fits."""
    text = pattern.format_map(_Defaults(params))
    while gsm_length(text) > SEGMENT:
        candidates = [k for k in SHORTENABLE if k in params and len(params[k]) > 3]
        if not candidates:
            raise ValueError(f"the fixed text of {pattern[:30]!r} is longer than one SMS")
        longest = max(candidates, key=lambda k: len(params[k]))
        value = params[longest].removesuffix("..")
        params[longest] = (
            value[: max(1, len(value) - max(1, gsm_length(text) - SEGMENT))].rstrip() + ".."
        )
        text = pattern.format_map(_Defaults(params))
    return text


class _Defaults(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""
