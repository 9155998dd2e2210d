"""A visit, one form throughout (planned, announced, listed, put in a calendar), and the days
visits may fall on: working days (Monday to Friday, not a South African public holiday,
observed days included) and the weeks a month owns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache

import holidays as public_holidays

from shared.clock import CAPE_TOWN
from shared.contracts.common import Area
from shared.contracts.visits import VisitStatus

__all__ = [
    "REPLANNED",
    "Cancelled",
    "Change",
    "Moved",
    "Scheduled",
    "Visit",
    "day_off",
    "differences",
    "holiday_name",
    "month_weeks",
    "visit_id",
    "working_days",
]


@dataclass(frozen=True, slots=True)
class Visit:
    """A visit as planned, announced, listed and put in a calendar: one form throughout.
    Times are local (Cape Town); the store keeps them in UTC."""

    id: str
    month: str  # the plan it belongs to, YYYY-MM
    date: dt.date
    team: str
    community: str
    area: Area
    venue: str
    starts: dt.time
    ends: dt.time
    status: VisitStatus = VisitStatus.SCHEDULED

    @property
    def starts_at(self) -> dt.datetime:
        return dt.datetime.combine(self.date, self.starts, tzinfo=CAPE_TOWN)

    @property
    def ends_at(self) -> dt.datetime:
        return dt.datetime.combine(self.date, self.ends, tzinfo=CAPE_TOWN)

    def moved_to(self, day: dt.date) -> Visit:
        """The same visit (same id, same hours) on another day."""
        return replace(self, date=day)

    def cancelled(self) -> Visit:
        return replace(self, status=VisitStatus.CANCELLED)


def visit_id(day: dt.date, community: str) -> str:
    """Stable across re-plans: the same community on the same day is the same visit."""
    slug = "".join(ch if ch.isalnum() else "-" for ch in community.lower()).strip("-")
    return f"{day.isoformat()}-{slug}"


@cache
def _holidays(year: int) -> public_holidays.HolidayBase:
    return public_holidays.country_holidays("ZA", years=year)


def holiday_name(day: dt.date) -> str | None:
    """The public holiday on `day` (observed days included), if any."""
    name = _holidays(day.year).get(day)
    return str(name) if name else None


def day_off(day: dt.date) -> str | None:
    """Why no visit can be on `day` (a weekend, a public holiday), or None."""
    if day.weekday() >= 5:
        return f"{day.isoformat()} is a {day:%A}: visits are on working days only"
    if (holiday := holiday_name(day)) is not None:
        return f"{day.isoformat()} is {holiday}, a public holiday"
    return None


def working_days(year: int, month: int) -> list[dt.date]:
    day = dt.date(year, month, 1)
    days = []
    while day.month == month:
        if day.weekday() < 5 and holiday_name(day) is None:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def month_weeks(year: int, month: int) -> dict[dt.date, list[dt.date]]:
    """The weeks this month owns (those whose Thursday is in it): Monday -> the month's
    working days in that week (possibly none, when holidays take them all)."""
    days = working_days(year, month)
    first = dt.date(year, month, 1)
    monday = first - dt.timedelta(days=first.weekday())
    weeks: dict[dt.date, list[dt.date]] = {}
    while True:
        thursday = monday + dt.timedelta(days=3)
        if (thursday.year, thursday.month) > (year, month):
            return weeks
        if (thursday.year, thursday.month) == (year, month):
            sunday = monday + dt.timedelta(days=6)
            weeks[monday] = [d for d in days if monday <= d <= sunday]
        monday += dt.timedelta(days=7)


# --- what a plan or a change announces ---------------------------------------------------

REPLANNED = "re-planned"


@dataclass(frozen=True, slots=True)
class Scheduled:
    visit: Visit
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Moved:
    visit: Visit  # its new values
    previous_date: dt.date
    reason: str | None


@dataclass(frozen=True, slots=True)
class Cancelled:
    visit: Visit  # as it was (its status set to cancelled)
    reason: str | None


Change = Scheduled | Moved | Cancelled


def differences(current: Sequence[Visit], planned: Sequence[Visit]) -> list[Change]:
    """What a new plan changes about the month's visits as they stand: new visits, visits
    back after a cancellation, visits whose day, team, venue or hours moved, and visits the new
    plan no longer has. A visit the plan keeps as it was is not announced again."""
    before = {v.id: v for v in current}
    wanted = {v.id: v for v in planned}
    changes: list[Change] = []
    for visit_id, visit in wanted.items():
        old = before.get(visit_id)
        if old is None or old.status is VisitStatus.CANCELLED:
            changes.append(Scheduled(visit))
        elif _where_and_when(old) != _where_and_when(visit):
            changes.append(Moved(visit, old.date, REPLANNED))
    for visit_id, old in before.items():
        if visit_id not in wanted and old.status is VisitStatus.SCHEDULED:
            changes.append(Cancelled(old.cancelled(), REPLANNED))
    return changes


def _where_and_when(visit: Visit) -> tuple[object, ...]:
    return (visit.date, visit.team, visit.venue, visit.starts, visit.ends)
