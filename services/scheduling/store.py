"""Scheduling's store: its tables (communities and teams, seeded; visits; published months;
the requests it follows to count the open ones per community; outbox and inbox) and the
queries on visits and plans; those on communities are in community_store.py. Visits' times
are kept in UTC here and handed out as `Visit`s in local time."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Index,
    MetaData,
    String,
    Table,
    Text,
    Time,
    select,
    text,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from services.scheduling.domain import Visit
from shared.clock import CAPE_TOWN
from shared.contracts.common import Area
from shared.contracts.visits import VisitStatus
from shared.credentials import define_credentials
from shared.inbox import define_inbox
from shared.outbox import define_outbox
from shared.store import as_utc, upsert_insert

metadata = MetaData(info={"service": "scheduling"})  # its migrations: shared/migrations.py
outbox = define_outbox(metadata)
inbox = define_inbox(metadata)
credentials = define_credentials(metadata)
"""Operators' tokens: their hashes only."""

communities = Table(
    "communities",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("key", String(100), nullable=False, unique=True),  # case-folded name
    Column("area", String(10), nullable=False),
    Column("venue", String(120), nullable=False),
    Column("starts", Time, nullable=False),
    Column("ends", Time, nullable=False),
    Column("last_visited", Date),  # before this store's own visits
)

teams = Table("teams", metadata, Column("name", String(60), primary_key=True))

visits = Table(
    "visits",
    metadata,
    Column("id", String(140), primary_key=True),
    Column("month", String(7), nullable=False),
    Column("date", Date, nullable=False),
    Column("team", String(60), nullable=False),
    Column("community", String(100), nullable=False),
    Column("area", String(10), nullable=False),
    Column("venue", String(120), nullable=False),
    Column("starts_at", DateTime(timezone=True), nullable=False),
    Column("ends_at", DateTime(timezone=True), nullable=False),
    Column("status", String(10), nullable=False),
    Column("reason", Text),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_visits_date", "date"),
    # One visit per team per day, kept by the store itself: two operators moving visits of
    # one team onto one day at once cannot both succeed.
    Index(
        "uq_visits_team_day",
        "team",
        "date",
        unique=True,
        postgresql_where=text("status = 'scheduled'"),
        sqlite_where=text("status = 'scheduled'"),
    ),
)

plans = Table(
    "plans",
    metadata,
    Column("month", String(7), primary_key=True),
    Column("published_at", DateTime(timezone=True), nullable=False),
)

followed_requests = Table(
    "followed_requests",
    metadata,
    Column("reference", String(10), primary_key=True),
    # Unknown until routing's decision (with the community) arrives: the status topic may
    # bring a department's report first.
    Column("community_key", String(100)),
    Column("open", Boolean, nullable=False),
    Column("as_of", DateTime(timezone=True), nullable=False),  # of the event that set `open`
)


# --- visits and plans -----------------------------------------------------------------------


def _visit(row: Any) -> Visit:
    return Visit(
        id=row.id,
        month=row.month,
        date=row.date,
        team=row.team,
        community=row.community,
        area=Area(row.area),
        venue=row.venue,
        starts=as_utc(row.starts_at).astimezone(CAPE_TOWN).time(),
        ends=as_utc(row.ends_at).astimezone(CAPE_TOWN).time(),
        status=VisitStatus(row.status),
    )


async def visit(conn: AsyncConnection, visit_id: str) -> Visit | None:
    row = (await conn.execute(select(visits).where(visits.c.id == visit_id))).one_or_none()
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
    await conn.execute(
        upsert_insert(conn, visits)
        .values(**values)
        .on_conflict_do_update(index_elements=["id"], set_=changed)
    )


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


async def plan_published(conn: AsyncConnection, month: str) -> bool:
    return await conn.scalar(select(plans.c.month).where(plans.c.month == month)) is not None


async def record_plan(conn: AsyncConnection, month: str, at: dt.datetime) -> None:
    await conn.execute(
        upsert_insert(conn, plans)
        .values(month=month, published_at=at)
        .on_conflict_do_update(index_elements=["month"], set_={"published_at": at})
    )
