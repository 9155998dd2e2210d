"""Value types that several contracts and APIs share."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator

__all__ = ["Area", "Language", "Phone", "RequestStatus", "UpdatesBy", "normalise_phone"]


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
    """A request's lifecycle (CONTRACT.md section 3), in order, then the two side states."""

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
