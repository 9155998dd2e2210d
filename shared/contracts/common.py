"""Value types that several contracts and APIs share."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator

__all__ = [
    "Area",
    "Language",
    "Line",
    "Phone",
    "RequestStatus",
    "Text",
    "UpdatesBy",
    "normalise_phone",
]


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
    """A request's lifecycle, in order, then the two side states (referred, unroutable)."""

    LOGGED = "logged"
    ROUTED = "routed"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REFERRED = "referred"
    UNROUTABLE = "unroutable"


_SA_MOBILE = re.compile(r"^(?:\+27|0)(\d{9})$")
_SEPARATORS = re.compile(r"[\s\-()]")


def normalise_phone(value: str) -> str:
    """A South African number as E.164 (`+27XXXXXXXXX`); accepts `0XXXXXXXXX` and spaces."""
    match = _SA_MOBILE.match(_SEPARATORS.sub("", value))
    if match is None:
        raise ValueError("must be a South African number: 0XXXXXXXXX or +27XXXXXXXXX")
    return f"+27{match.group(1)}"


Phone = Annotated[str, AfterValidator(normalise_phone)]


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_BREAK = re.compile(r"[\r\n\t]")


def _printable_text(value: str) -> str:
    # PostgreSQL refuses NUL in text, and no field app means to send control characters.
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters")
    return value


def _single_line(value: str) -> str:
    if _LINE_BREAK.search(_printable_text(value)):
        raise ValueError("must be a single line")
    return value


Text = Annotated[str, AfterValidator(_printable_text)]
"""Free text: line breaks allowed, other control characters not."""

Line = Annotated[str, AfterValidator(_single_line)]
"""A name or an address: one line of printable text."""
