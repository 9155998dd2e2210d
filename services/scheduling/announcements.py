"""What scheduling tells residents on `mo.visits`: a visit planned, moved or cancelled, and
when a month is planned again, only what differs from what was announced. Pure: no I/O."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from services.scheduling.domain import Visit
from shared.contracts.visits import VisitCancelled, VisitChanged, VisitScheduled, VisitStatus
from shared.events import CloudEvent, new_event
from shared.topics import source

__all__ = ["Cancelled", "Change", "Moved", "Scheduled", "differences", "event"]

SOURCE = source("scheduling")
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


def event(change: Change, now: dt.datetime) -> CloudEvent:
    """The `mo.visits` event that announces `change`."""
    visit = change.visit
    if isinstance(change, Cancelled):
        cancelled = VisitCancelled(
            visit_id=visit.id,
            area=visit.area,
            community=visit.community,
            venue=visit.venue,
            date=visit.date,
            reason=change.reason,
        )
        return new_event(cancelled, SOURCE, visit.id, now)
    scheduled = VisitScheduled(
        visit_id=visit.id,
        area=visit.area,
        community=visit.community,
        venue=visit.venue,
        date=visit.date,
        starts_at=visit.starts_at,
        ends_at=visit.ends_at,
        team=visit.team,
    )
    if isinstance(change, Moved):
        moved = VisitChanged(
            **scheduled.model_dump(), previous_date=change.previous_date, reason=change.reason
        )
        return new_event(moved, SOURCE, visit.id, now)
    return new_event(scheduled, SOURCE, visit.id, now)
