"""The visits' queries. Their times are kept in UTC and handed out as `Visit`s in local
time."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from services.scheduling.store import visits
from services.scheduling.visits.domain import Visit
from shared.clock import CAPE_TOWN
from shared.contracts.common import Area
from shared.contracts.visits import VisitStatus
from shared.store import as_utc, find_row, from_row, upsert_insert

__all__ = ["DayTaken", "find_visits", "month_visits", "save_visit", "team_busy", "visit"]


class DayTaken(Exception):
    """The visit's team has another visit that day: the store's own rule (one visit per team
    per day) refused the write, as when two moves race for one day."""


def _visit(row: Any) -> Visit:
    starts, ends = (as_utc(at).astimezone(CAPE_TOWN).time() for at in (row.starts_at, row.ends_at))
    return from_row(Visit, row, starts=starts, ends=ends)


async def visit(conn: AsyncConnection, visit_id: str) -> Visit | None:
    row = await find_row(conn, visits, id=visit_id)
    return None if row is None else _visit(row)


async def month_visits(conn: AsyncConnection, month: str) -> list[Visit]:
    rows = await conn.execute(
        select(visits).where(visits.c.month == month).order_by(visits.c.date, visits.c.team)
    )
    return [_visit(r) for r in rows]


async def find_visits(
    conn: AsyncConnection, start: dt.date | None, end: dt.date | None, area: Area | None
) -> list[Visit]:
    query = select(visits).order_by(visits.c.date, visits.c.team, visits.c.id)
    if start:
        query = query.where(visits.c.date >= start)
    if end:
        query = query.where(visits.c.date <= end)
    if area:
        query = query.where(visits.c.area == area.value)
    return [_visit(r) for r in await conn.execute(query)]


async def save_visit(
    conn: AsyncConnection, saved: Visit, reason: str | None, at: dt.datetime
) -> None:
    values = {
        "id": saved.id,
        "month": saved.month,
        "date": saved.date,
        "team": saved.team,
        "community": saved.community,
        "area": saved.area.value,
        "venue": saved.venue,
        # UTC: SQLite keeps no offset, so a local time would come back an offset off.
        "starts_at": saved.starts_at.astimezone(dt.UTC),
        "ends_at": saved.ends_at.astimezone(dt.UTC),
        "status": saved.status.value,
        "reason": reason,
        "updated_at": at,
    }
    changed = {k: v for k, v in values.items() if k != "id"}
    try:
        await conn.execute(
            upsert_insert(conn, visits)
            .values(**values)
            .on_conflict_do_update(index_elements=["id"], set_=changed)
        )
    except IntegrityError:
        raise DayTaken(saved.team, saved.date) from None


async def team_busy(conn: AsyncConnection, team: str, day: dt.date, other_than: str) -> str | None:
    """The id of another visit `team` has on `day`, if any."""
    found = await conn.scalar(
        select(visits.c.id).where(
            visits.c.team == team,
            visits.c.date == day,
            visits.c.status == VisitStatus.SCHEDULED,
            visits.c.id != other_than,
        )
    )
    return None if found is None else str(found)
