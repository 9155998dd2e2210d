"""Time as the city keeps it, and the one way code asks for it: a `Clock` it is given (the
composition root passes the wall clock; tests pass their own)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Final
from zoneinfo import ZoneInfo

__all__ = ["CAPE_TOWN", "Clock"]

CAPE_TOWN: Final = ZoneInfo("Africa/Johannesburg")

Clock = Callable[[], datetime]
"""The one time source of a service (`deps.clock`)."""
