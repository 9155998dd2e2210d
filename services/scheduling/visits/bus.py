"""What scheduling tells residents on `mo.visits`: a visit planned, moved or cancelled, and
when a month is planned again, only what differs from what was announced."""

from __future__ import annotations

from typing import Final

from pydantic import BaseModel

from services.scheduling.visits.domain import Cancelled, Change, Moved
from shared.contracts.visits import VisitCancelled, VisitChanged, VisitScheduled

__all__ = ["PUBLISHES", "of"]

PUBLISHES: Final[tuple[type[BaseModel], ...]] = (VisitScheduled, VisitChanged, VisitCancelled)


def of(change: Change) -> tuple[BaseModel, str]:
    """The `mo.visits` event that announces `change`, and its subject (the visit's id)."""
    visit = change.visit
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
    if isinstance(change, Cancelled):
        where = scheduled.model_dump(include=set(VisitCancelled.model_fields))
        return VisitCancelled(**where, reason=change.reason), visit.id
    if isinstance(change, Moved):
        moved = VisitChanged(
            **scheduled.model_dump(), previous_date=change.previous_date, reason=change.reason
        )
        return moved, visit.id
    return scheduled, visit.id
