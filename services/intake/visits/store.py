"""The visits' store: the Mobile Office's visits as scheduling announced them,
so a request can name the one it was logged at and the field app can offer today's."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Date, DateTime, String, Table, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.intake.store import metadata
from shared.clock import CAPE_TOWN
from shared.contracts.visits import VisitCancelled, VisitScheduled, VisitStatus
from shared.store import as_utc, from_row, upsert_insert

__all__ = [
    "Visit",
    "find",
    "remember_cancelled",
    "remember_scheduled",
    "visit_day",
    "visits",
]

visits = Table(
    "visits",
    metadata,
    Column("id", String(140), primary_key=True),
    Column("status", String(10), nullable=False),
    Column("area", String(10), nullable=False),
    Column("community", String(100), nullable=False),
    Column("venue", String(120), nullable=False),
    Column("date", Date, nullable=False),
    Column("starts_at", DateTime(timezone=True)),  # a cancellation seen first has no hours
    Column("ends_at", DateTime(timezone=True)),
)


@dataclass(frozen=True, slots=True)
class Visit:
    id: str
    status: VisitStatus
    area: str
    community: str
    venue: str
    date: dt.date
    starts_at: dt.datetime | None  # local time (Cape Town)
    ends_at: dt.datetime | None


async def visit_day(conn: AsyncConnection, visit_id: str) -> dt.date | None:
    day = await conn.scalar(select(visits.c.date).where(visits.c.id == visit_id))
    return day if isinstance(day, dt.date) else None


async def remember_scheduled(conn: AsyncConnection, visit: VisitScheduled) -> None:
    values = {
        "status": VisitStatus.SCHEDULED.value,
        "area": visit.area.value,
        "community": visit.community,
        "venue": visit.venue,
        "date": visit.date,
        "starts_at": visit.starts_at.astimezone(dt.UTC),
        "ends_at": visit.ends_at.astimezone(dt.UTC),
    }
    await conn.execute(
        upsert_insert(conn, visits)
        .values(id=visit.visit_id, **values)
        .on_conflict_do_update(index_elements=["id"], set_=values)
    )


async def remember_cancelled(conn: AsyncConnection, visit: VisitCancelled) -> None:
    await conn.execute(
        upsert_insert(conn, visits)
        .values(
            id=visit.visit_id,
            status=VisitStatus.CANCELLED.value,
            area=visit.area.value,
            community=visit.community,
            venue=visit.venue,
            date=visit.date,
        )
        .on_conflict_do_update(index_elements=["id"], set_={"status": VisitStatus.CANCELLED.value})
    )


async def find(
    conn: AsyncConnection, start: dt.date | None, end: dt.date | None, community: str | None
) -> list[Visit]:
    query = select(visits).order_by(visits.c.date, visits.c.id)
    if start:
        query = query.where(visits.c.date >= start)
    if end:
        query = query.where(visits.c.date <= end)
    found = [_visit(row) for row in await conn.execute(query)]
    if community:
        found = [v for v in found if v.community.casefold() == community.casefold()]
    return found


def _local(at: dt.datetime | None) -> dt.datetime | None:
    return as_utc(at).astimezone(CAPE_TOWN) if at else None


def _visit(row: Any) -> Visit:
    return from_row(Visit, row, starts_at=_local(row.starts_at), ends_at=_local(row.ends_at))
