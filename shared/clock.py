"""Time as the city keeps it."""

from __future__ import annotations

from typing import Final
from zoneinfo import ZoneInfo

__all__ = ["CAPE_TOWN"]

CAPE_TOWN: Final = ZoneInfo("Africa/Johannesburg")
