"""When a request taken at a visit was reported: now, or earlier that day at the visit (on
paper, typed in later)."""

from __future__ import annotations

import datetime as dt
from typing import Final

from shared.clock import CAPE_TOWN
from shared.refusals import Invalid

__all__ = ["CLOCK_SKEW", "taken_at"]

CLOCK_SKEW: Final = dt.timedelta(minutes=5)


def taken_at(day: dt.date, reported: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    """When the resident reported it at the visit on `day`: `reported` (on that day, not in
    the future), or now."""
    if reported is None:
        return now
    if reported > now + CLOCK_SKEW or reported.astimezone(CAPE_TOWN).date() != day:
        raise Invalid(f"must be on the visit's day ({day}) and not in the future", "reported_at")
    return min(reported, now)  # a device clock a little fast is not the resident's fault
