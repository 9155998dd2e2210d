"""The visits intake knows, as scheduling announced them: today's for the field app, and the
visit a request was taken at (a request written on paper there counts from that day)."""

from __future__ import annotations

import datetime as dt
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from services.intake import visit_store
from services.intake.domain import UnknownVisit
from services.intake.schemas import NewRequest
from shared.clock import CAPE_TOWN
from shared.consumer import Received
from shared.contracts.visits import VisitCancelled, VisitScheduled
from shared.refusals import Invalid
from shared.store import Database

__all__ = ["find_visits", "on_visit_announced", "on_visit_cancelled", "taken_at"]

CLOCK_SKEW = dt.timedelta(minutes=5)


async def find_visits(
    db: Database, span: tuple[dt.date | None, dt.date | None], community: str | None
) -> list[visit_store.Visit]:
    async with db.reading() as conn:
        return await visit_store.find(conn, *span, community)


async def taken_at(conn: AsyncConnection, command: NewRequest, now: datetime) -> datetime:
    """When the resident reported it: now, or earlier that day at the visit (on paper)."""
    if command.visit_id is None:
        return now
    day = await visit_store.visit_day(conn, command.visit_id)
    if day is None:
        raise UnknownVisit(command.visit_id)
    reported = command.reported_at
    if reported is None:
        return now
    if reported > now + CLOCK_SKEW or reported.astimezone(CAPE_TOWN).date() != day:
        raise Invalid(f"must be on the visit's day ({day}) and not in the future", "reported_at")
    return min(reported, now)  # a device clock a little fast is not the resident's fault


async def on_visit_announced(conn: AsyncConnection, item: Received[VisitScheduled]) -> None:
    """Remember the visits scheduling announced (or moved), so a request can name the one it
    was logged at, and a typo in a visit id is refused at once."""
    await visit_store.remember_scheduled(conn, item.data)


async def on_visit_cancelled(conn: AsyncConnection, item: Received[VisitCancelled]) -> None:
    await visit_store.remember_cancelled(conn, item.data)
