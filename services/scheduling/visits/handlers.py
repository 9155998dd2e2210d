"""A visit cancelled or moved (each one transaction with its `mo.visits` announcement), and
visits listed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from services.scheduling.deps import SchedulingDeps
from services.scheduling.plans.domain import unmet_rules
from services.scheduling.store import Connection
from services.scheduling.visits import bus as announcements
from services.scheduling.visits import store
from services.scheduling.visits.domain import Cancelled, Moved, Visit, day_off
from shared.clock import CAPE_TOWN
from shared.contracts.common import Area
from shared.contracts.visits import VisitStatus
from shared.refusals import Conflict, Invalid, NotFound
from shared.use_case import UnitOfWork

__all__ = ["CancelVisit", "FindVisits", "RescheduleVisit", "cancel", "find_visits", "reschedule"]


@dataclass(frozen=True, slots=True)
class CancelVisit:
    visit_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class RescheduleVisit:
    visit_id: str
    day: dt.date
    reason: str


@dataclass(frozen=True, slots=True)
class FindVisits:
    start: dt.date | None = None
    end: dt.date | None = None
    area: Area | None = None
    community: str | None = None


async def cancel(
    command: CancelVisit, uow: UnitOfWork, deps: SchedulingDeps
) -> tuple[Visit, list[str]]:
    """Cancel (always possible: venues fall through); returns the visit and the rules its
    month no longer meets."""
    now = deps.clock()
    async with uow.transaction() as conn:
        visit = await _existing(conn, command.visit_id)
        if visit.status is VisitStatus.SCHEDULED:
            change = Cancelled(visit.cancelled(), command.reason)
            await store.save_visit(conn, change.visit, command.reason, now)
            await deps.outbox.stage_all(conn, [announcements.of(change)], at=now)
            deps.metrics.visits.labels(visit.area.value, VisitStatus.CANCELLED.value).inc()
            visit = change.visit
        month = await store.month_visits(conn, visit.month)
    remaining = [v for v in month if v.status is VisitStatus.SCHEDULED]
    year, number = (int(p) for p in visit.month.split("-"))
    return visit, unmet_rules(year, number, remaining)


async def reschedule(command: RescheduleVisit, uow: UnitOfWork, deps: SchedulingDeps) -> Visit:
    """The visit on another day of its month. Its own day again changes and announces
    nothing (every announcement is an SMS to each subscriber)."""
    visit_id, day = command.visit_id, command.day
    if (why := day_off(day)) is not None:
        raise Conflict(why)
    now = deps.clock()
    if day < now.astimezone(CAPE_TOWN).date():
        raise Invalid(f"{day.isoformat()} is in the past", field="date")
    try:
        async with uow.transaction() as conn:
            old = await _existing(conn, visit_id)
            if old.status is VisitStatus.CANCELLED:
                raise Conflict(f"visit {visit_id} is cancelled: plan a new one instead")
            if day == old.date:
                return old
            if f"{day:%Y-%m}" != old.month:
                raise Invalid(
                    f"visit {visit_id} belongs to the plan of {old.month}: move it within that "
                    "month, or cancel it and plan the other month",
                    field="date",
                )
            if busy := await store.team_busy(conn, old.team, day, other_than=visit_id):
                raise Conflict(_busy(old.team, day, busy))
            moved = old.moved_to(day)
            await store.save_visit(conn, moved, command.reason, now)
            change = Moved(moved, old.date, command.reason)
            await deps.outbox.stage_all(conn, [announcements.of(change)], at=now)
    except store.DayTaken:
        # Another move took that day between the check and the write.
        raise Conflict(_busy(old.team, day, "taken just now")) from None
    return moved


def _busy(team: str, day: dt.date, which: str) -> str:
    return f"team {team} already has a visit on {day.isoformat()} ({which})"


async def find_visits(command: FindVisits, uow: UnitOfWork, deps: SchedulingDeps) -> list[Visit]:
    """Visits from the first day to the last (either open), soonest first."""
    async with uow.reading() as conn:
        found = await store.find_visits(conn, command.start, command.end, command.area)
    if command.community:
        wanted = command.community.casefold()
        found = [v for v in found if v.community.casefold() == wanted]
    return found


async def _existing(conn: Connection, visit_id: str) -> Visit:
    found = await store.visit(conn, visit_id)
    if found is None:
        raise NotFound(f"no visit {visit_id}")
    return found
