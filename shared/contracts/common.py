"""Value types that several contracts and APIs share."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

import phonenumbers
from phonenumbers import PhoneNumberType
from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr

__all__ = [
    "CONTROL_CHARACTERS",
    "FINISHED",
    "LINE_BREAK",
    "PHONE_TEXT",
    "Area",
    "Contract",
    "Email",
    "EmailAddress",
    "Language",
    "Line",
    "Phone",
    "RequestStatus",
    "Text",
    "UpdatesBy",
    "normalise_email",
    "normalise_phone",
]


class Contract(BaseModel):
    """What one service tells the others (an event, or a part of one): frozen once built, as
    what was said does not change."""

    model_config = ConfigDict(frozen=True)


class Area(StrEnum):
    """The city's four service-delivery areas."""

    NORTH = "north"
    SOUTH = "south"
    EAST = "east"
    CENTRAL = "central"


class Language(StrEnum):
    """The Western Cape's three official languages."""

    EN = "en"
    AF = "af"
    XH = "xh"


class UpdatesBy(StrEnum):
    """How a resident wants to hear about their request."""

    SMS = "sms"
    EMAIL = "email"
    NONE = "none"


class RequestStatus(StrEnum):
    """A request's lifecycle, in order, then the two side states (referred, unroutable), then
    an application's: papers asked for, and the decision (or the resident's withdrawal)."""

    LOGGED = "logged"
    ROUTED = "routed"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REFERRED = "referred"
    UNROUTABLE = "unroutable"
    MORE_INFORMATION_NEEDED = "more_information_needed"
    APPROVED = "approved"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


FINISHED: frozenset[RequestStatus] = frozenset(
    {
        RequestStatus.RESOLVED,
        RequestStatus.CLOSED,
        RequestStatus.REFERRED,  # passed to another body: done here
        RequestStatus.APPROVED,
        RequestStatus.DECLINED,
        RequestStatus.WITHDRAWN,
    }
)
"""The statuses in which the City's work on a request is done (Open311 says `closed`; the
retention of residents' words counts from them)."""


_PHONE_TEXT = re.compile(r"^\+?[0-9 ()-]+$")
_MOBILE = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})
_SAY = "must be a South African mobile number: 0XXXXXXXXX or +27XXXXXXXXX"


def normalise_phone(value: str) -> str:
    """A South African mobile number as E.164 (`+27XXXXXXXXX`); accepts `0XXXXXXXXX`, spaces
    and dashes. ASCII digits only: other scripts' digits would be stored as themselves and
    escape STOP and every comparison. Only mobiles: an SMS cannot reach a landline."""
    if not value.isascii() or not _PHONE_TEXT.match(value):
        raise ValueError(f"{_SAY}, in the digits 0-9")
    try:
        number = phonenumbers.parse(value, "ZA")
    except phonenumbers.NumberParseException:
        raise ValueError(_SAY) from None
    if phonenumbers.region_code_for_number(number) != "ZA" or not phonenumbers.is_valid_number(
        number
    ):
        raise ValueError(f"{_SAY}; this is not a South African number")
    if phonenumbers.number_type(number) not in _MOBILE:
        raise ValueError(f"{_SAY}; this is not a mobile number, and an SMS cannot reach it")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


Phone = Annotated[str, AfterValidator(normalise_phone)]


def normalise_email(value: str) -> str:
    """An e-mail address as every store keeps and compares it: lower-case, so that erasing
    `nomsa.dlamini@example.org` also erases what was typed as `Nomsa.Dlamini@example.org`
    (no mail provider the City's residents use tells the two apart)."""
    return value.strip().lower()


Email = Annotated[EmailStr, AfterValidator(normalise_email)]
"""An e-mail address a person types: validated, then normalised (`normalise_email`)."""
EmailAddress = Annotated[str, AfterValidator(normalise_email)]
"""An e-mail address in an event: validated by the producer, normalised again on arrival."""


# C0 and C1 controls (U+0085 among them), the Unicode line and paragraph separators, the
# bidirectional overrides and isolates that make text read differently from what it holds, and
# what XML 1.0 cannot hold at all (lone surrogates, U+FFFE, U+FFFF): Open311's XML answers
# must be well-formed for every partner.
_CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    "\ud800-\udfff\ufffe\uffff]"
)
_LINE_BREAK = re.compile(r"[\r\n\t]")


def _printable_text(value: str) -> str:
    # PostgreSQL refuses NUL in text, and no field app means to send control characters.
    if _CONTROL.search(value):
        raise ValueError(
            "must not contain control characters, line separators, bidi overrides or "
            "characters XML cannot hold (U+FFFE, U+FFFF, lone surrogates)"
        )
    return value


def _single_line(value: str) -> str:
    if _LINE_BREAK.search(_printable_text(value)):
        raise ValueError("must be a single line")
    return value


Text = Annotated[str, AfterValidator(_printable_text)]
"""Free text: line breaks allowed, other control characters not."""

Line = Annotated[str, AfterValidator(_single_line)]
"""A name or an address: one line of printable text."""

# The same checks, for the field app's copy of the rules (services/intake/requests/rules.py).
CONTROL_CHARACTERS = _CONTROL
LINE_BREAK = _LINE_BREAK
PHONE_TEXT = _PHONE_TEXT
