"""What the SMS commands answer, in English, Afrikaans and isiXhosa: each answer one
160-character GSM-7 segment, with the longest names shortened to fit (domain.py).

The isiXhosa and Afrikaans wording (and keywords) should be read by first-language speakers at
the city before going live; the tests check length and alphabet, not idiom."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Final

from shared.contracts.common import Language, RequestStatus

__all__ = [
    "ANSWERS",
    "AREAS",
    "EXAMPLE_REFERENCE",
    "KEYWORDS",
    "PASTED_PREFIXES",
    "STATUS_WORDS",
    "Answer",
    "Keyword",
]


class Keyword(StrEnum):
    STATUS = "status"
    VISIT = "visit"
    HELP = "help"


KEYWORDS: Final[Mapping[str, tuple[Keyword, Language | None]]] = {
    "STATUS": (Keyword.STATUS, None),  # the same word in Afrikaans
    "STAND": (Keyword.STATUS, Language.AF),
    "IMEKO": (Keyword.STATUS, Language.XH),
    "VISIT": (Keyword.VISIT, Language.EN),
    "NEXT": (Keyword.VISIT, Language.EN),
    "BESOEK": (Keyword.VISIT, Language.AF),
    "VOLGENDE": (Keyword.VISIT, Language.AF),
    "UTYELELO": (Keyword.VISIT, Language.XH),
    "HELP": (Keyword.HELP, Language.EN),
    "HULP": (Keyword.HELP, Language.AF),
    "UNCEDO": (Keyword.HELP, Language.XH),
}
"""The first word of an SMS, and the language it says the sender reads (when the number has
told none)."""

PASTED_PREFIXES: Final[Mapping[str, Language | None]] = {
    "REF": None,
    "VERW": Language.AF,
    "INOMBOLO": Language.XH,
}
"""The word before a reference in our own SMSes: a resident pasting `Ref 818 900 2316` back
asks its status."""

EXAMPLE_REFERENCE: Final = "5123456782"
"""The reference a hint shows as an example (its check digit is right, as a real one's is)."""


class Answer(StrEnum):
    STATUS = "status"
    STATUS_DEPARTMENT = "status_department"  # routed: its department
    STATUS_DUE = "status_due"  # routed, with the date it is due
    UNKNOWN_REFERENCE = "unknown_reference"
    VISIT = "visit"
    NO_VISIT = "no_visit"  # a community the office visits, none announced yet
    CLOSEST = "closest"  # an unknown community: the closest names known
    UNKNOWN_COMMUNITY = "unknown_community"  # and none close
    HELP = "help"
    STATUS_HINT = "status_hint"  # STATUS alone
    VISIT_HINT = "visit_hint"  # VISIT or NEXT alone


ANSWERS: Final[Mapping[Language, Mapping[Answer, str]]] = {
    Language.EN: {
        Answer.STATUS: "Ref {reference}: {status}.",
        Answer.STATUS_DEPARTMENT: "Ref {reference}: {status}. Department: {department}.",
        Answer.STATUS_DUE: "Ref {reference}: {status}. Department: {department}. Due by {date}.",
        Answer.UNKNOWN_REFERENCE: "Ref {reference} is not known. Check the 10 digits and send "
        "STATUS and the ref again.",
        Answer.VISIT: "Mobile Office visits {community} on {date}, {hours} at {venue}.",
        Answer.NO_VISIT: "No Mobile Office visit to {community} is announced yet. Send VISIT "
        "{community} again later.",
        Answer.CLOSEST: "We do not know {community}. Did you mean: {names}? Send VISIT and "
        "the name.",
        Answer.UNKNOWN_COMMUNITY: "We do not know {community}. Send VISIT and the name of "
        "your community, e.g. VISIT Delft.",
        Answer.HELP: "Mobile Office: send STATUS and your ref for your request, VISIT and "
        "your community for the next visit, YES to confirm visit news, STOP to end SMSes.",
        Answer.STATUS_HINT: "Send {keyword} and your 10-digit ref, e.g. {keyword} {example}.",
        Answer.VISIT_HINT: "Send {keyword} and your community, e.g. {keyword} Delft.",
    },
    Language.AF: {
        Answer.STATUS: "Verw {reference}: {status}.",
        Answer.STATUS_DEPARTMENT: "Verw {reference}: {status}. Departement: {department}.",
        Answer.STATUS_DUE: "Verw {reference}: {status}. Departement: {department}. Teen {date}.",
        Answer.UNKNOWN_REFERENCE: "Verw {reference} is onbekend. Kyk die 10 syfers na en "
        "stuur weer STATUS en die verw.",
        Answer.VISIT: "Mobiele Kantoor besoek {community} op {date}, {hours} by {venue}.",
        Answer.NO_VISIT: "Nog geen besoek van die Mobiele Kantoor aan {community} is "
        "aangekondig nie. Stuur later weer BESOEK {community}.",
        Answer.CLOSEST: "Ons ken nie {community} nie. Bedoel u: {names}? Stuur BESOEK en die naam.",
        Answer.UNKNOWN_COMMUNITY: "Ons ken nie {community} nie. Stuur BESOEK en die naam van "
        "u gemeenskap, bv. BESOEK Delft.",
        Answer.HELP: "Mobiele Kantoor: stuur STATUS en u verw vir u versoek, BESOEK en u "
        "gemeenskap vir die volgende besoek, JA om besoeknuus te bevestig, STOP vir geen SMS.",
        Answer.STATUS_HINT: "Stuur {keyword} en u verw van 10 syfers, bv. {keyword} {example}.",
        Answer.VISIT_HINT: "Stuur {keyword} en u gemeenskap, bv. {keyword} Delft.",
    },
    Language.XH: {
        Answer.STATUS: "Inombolo {reference}: {status}.",
        Answer.STATUS_DEPARTMENT: "Inombolo {reference}: {status}. Isebe: {department}.",
        Answer.STATUS_DUE: "Inombolo {reference}: {status}. Isebe: {department}. Ngomhla {date}.",
        Answer.UNKNOWN_REFERENCE: "Inombolo {reference} ayaziwa. Jonga amanani ali-10 uphinde "
        "uthumele IMEKO nenombolo.",
        Answer.VISIT: "I-Ofisi eHambayo ityelela e-{community} nge-{date}, {hours} e-{venue}.",
        Answer.NO_VISIT: "Akukabikho lutyelelo lwe-Ofisi eHambayo e-{community}. Phinda "
        "uthumele UTYELELO {community} emva kwexesha.",
        Answer.CLOSEST: "Asiyazi i-{community}. Ingaba uthetha: {names}? Thumela UTYELELO negama.",
        Answer.UNKNOWN_COMMUNITY: "Asiyazi i-{community}. Thumela UTYELELO negama "
        "lendawo yakho, umz. UTYELELO Delft.",
        Answer.HELP: "I-Ofisi eHambayo: thumela IMEKO nenombolo yesicelo sakho, UTYELELO "
        "nendawo yakho ukwazi utyelelo, EWE ukuqinisekisa iindaba, STOP ukuyeka ii-SMS.",
        Answer.STATUS_HINT: "Thumela {keyword} nenombolo yakho yamanani ali-10, umz. {keyword} "
        "{example}.",
        Answer.VISIT_HINT: "Thumela {keyword} negama lendawo yakho, umz. {keyword} Delft.",
    },
}

_S = RequestStatus
STATUS_WORDS: Final[Mapping[Language, Mapping[RequestStatus, str]]] = {
    Language.EN: {
        _S.LOGGED: "logged, to be sent to a department",
        _S.ROUTED: "sent to the department",
        _S.ACKNOWLEDGED: "received by the department",
        _S.IN_PROGRESS: "being worked on",
        _S.RESOLVED: "resolved",
        _S.CLOSED: "closed",
        _S.REFERRED: "referred: the City cannot handle it",
        _S.UNROUTABLE: "logged, to be sent to a department",
        _S.MORE_INFORMATION_NEEDED: "papers are needed",
        _S.APPROVED: "approved",
        _S.DECLINED: "declined",
        _S.WITHDRAWN: "withdrawn",
    },
    Language.AF: {
        _S.LOGGED: "aangeteken, gaan na 'n departement",
        _S.ROUTED: "na die departement gestuur",
        _S.ACKNOWLEDGED: "deur die departement ontvang",
        _S.IN_PROGRESS: "word aan gewerk",
        _S.RESOLVED: "opgelos",
        _S.CLOSED: "gesluit",
        _S.REFERRED: "verwys: die Stad kan dit nie hanteer nie",
        _S.UNROUTABLE: "aangeteken, gaan na 'n departement",
        _S.MORE_INFORMATION_NEEDED: "dokumente is nodig",
        _S.APPROVED: "goedgekeur",
        _S.DECLINED: "afgekeur",
        _S.WITHDRAWN: "teruggetrek",
    },
    Language.XH: {
        _S.LOGGED: "ibhalisiwe, iza kuthunyelwa kwisebe",
        _S.ROUTED: "ithunyelwe kwisebe",
        _S.ACKNOWLEDGED: "ifunyenwe lisebe",
        _S.IN_PROGRESS: "iyasetyenzwa",
        _S.RESOLVED: "isonjululwe",
        _S.CLOSED: "ivaliwe",
        _S.REFERRED: "idluliselwe: iSixeko asinakuyisingatha",
        _S.UNROUTABLE: "ibhalisiwe, iza kuthunyelwa kwisebe",
        _S.MORE_INFORMATION_NEEDED: "kufuneka amaphepha",
        _S.APPROVED: "yamkelwe",
        _S.DECLINED: "yaliwe",
        _S.WITHDRAWN: "irhoxisiwe",
    },
}
"""A request's status in words."""

AREAS: Final[Mapping[Language, Mapping[str, str]]] = {
    Language.EN: {"north": "North", "south": "South", "east": "East", "central": "Central"},
    Language.AF: {"north": "Noord", "south": "Suid", "east": "Oos", "central": "Sentraal"},
    Language.XH: {"north": "Umntla", "south": "Umzantsi", "east": "Impuma", "central": "Embindini"},
}
"""The service-delivery areas' names (the USSD menu's first choice of a visit)."""
