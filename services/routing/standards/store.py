"""The service standards' store: requests past their due time, what the standards report
reads (each request's due time and when it was first resolved), the requests escalated to
their department's supervisor and the digests already sent."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from datetime import datetime
from typing import Any, Final

from sqlalchemy import Column, Date, String, Table, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.routing.rules.store import rules
from services.routing.standards.domain import DEFAULT_ESCALATE, Due, Overdue, Workload
from services.routing.store import metadata, requests, status_history
from services.routing.work.domain import DONE, OPEN
from shared.contracts.common import RequestStatus
from shared.contracts.routing import DigestLine, Priority
from shared.store import as_utc, upsert_insert

__all__ = [
    "digests",
    "escalated",
    "first_digest_today",
    "mark_newly_overdue",
    "overdue_counts",
    "overdue_now",
    "received_between",
    "workload",
]

digests = Table(  # one digest per department per day
    "overdue_digests",
    metadata,
    Column("department", String(60), primary_key=True),
    Column("day", Date, primary_key=True),
)


_OVERDUE: Final = (
    requests.c.reference,
    requests.c.category,
    requests.c.department,
    requests.c.priority,
    requests.c.status,
    requests.c.due_at,
)
"""An overdue request's columns, as `_overdue` reads them."""


def _overdue(row: Any) -> Overdue:
    return Overdue(
        row.reference,
        row.category,
        row.department,
        Priority(row.priority),
        RequestStatus(row.status),
        as_utc(row.due_at),
    )


async def mark_newly_overdue(conn: AsyncConnection, now: datetime, limit: int) -> list[Overdue]:
    """Marks up to `limit` open requests past their due time as noticed, and returns them.
    A request already marked is never returned again, even by another replica's round: the
    update re-reads `overdue_at` under the row's lock."""
    due = (
        select(requests.c.reference)
        .where(
            requests.c.status.in_(OPEN),
            requests.c.due_at <= now,
            requests.c.overdue_at.is_(None),
        )
        .order_by(requests.c.due_at)
        .limit(limit)
    )
    rows = await conn.execute(
        update(requests)
        .where(requests.c.reference.in_(due.scalar_subquery()), requests.c.overdue_at.is_(None))
        .values(overdue_at=now)
        .returning(*_OVERDUE)
    )
    return [_overdue(r) for r in rows]


async def overdue_counts(conn: AsyncConnection) -> list[tuple[str, str, int]]:
    """(department, priority, how many) of the open requests now past their due time."""
    rows = await conn.execute(
        select(requests.c.department, requests.c.priority, func.count())
        .where(requests.c.status.in_(OPEN), requests.c.overdue_at.is_not(None))
        .group_by(requests.c.department, requests.c.priority)
    )
    return [(r[0], r[1], int(r[2])) for r in rows]


async def received_between(conn: AsyncConnection, start: datetime, end: datetime) -> list[Due]:
    """The routed requests logged in [start, end), each with its first resolution."""
    first_done = (
        select(status_history.c.reference, func.min(status_history.c.at).label("at"))
        .where(status_history.c.status.in_(DONE))
        .group_by(status_history.c.reference)
        .subquery()
    )
    rows = await conn.execute(
        select(
            requests.c.department,
            requests.c.category,
            requests.c.status,
            requests.c.logged_at,
            requests.c.due_at,
            first_done.c.at,
            requests.c.reopened_at,
            requests.c.service,
            requests.c.fixed_confirmed_at,
            requests.c.channel,
            requests.c.area,
            requests.c.h3_cell,
        )
        .outerjoin(first_done, first_done.c.reference == requests.c.reference)
        .where(
            requests.c.logged_at >= start,
            requests.c.logged_at < end,
            requests.c.department.is_not(None),
            requests.c.due_at.is_not(None),
        )
    )
    return [
        Due(
            r.department,
            r.category,
            RequestStatus(r.status),
            as_utc(r.logged_at),
            as_utc(r.due_at),
            as_utc(r.at) if r.at is not None else None,
            r.reopened_at is not None,
            r.service,
            r.fixed_confirmed_at is not None,
            r.channel or "unknown",
            r.area,
            r.h3_cell,
        )
        for r in rows
    ]


async def workload(conn: AsyncConnection, start: datetime, end: datetime) -> list[Workload]:
    """Per visit and agent, the requests logged in [start, end) and how many of them were
    applications: for the operators, never the public."""
    applications = func.count(requests.c.service)
    rows = await conn.execute(
        select(requests.c.visit_id, requests.c.agent, func.count(), applications)
        .where(
            requests.c.logged_at >= start,
            requests.c.logged_at < end,
            requests.c.agent.is_not(None),
        )
        .group_by(requests.c.visit_id, requests.c.agent)
        .order_by(requests.c.visit_id, requests.c.agent)
    )
    return [Workload(r[0], r[1], int(r[2]) - int(r[3]), int(r[3])) for r in rows]


async def overdue_now(conn: AsyncConnection, now: datetime, limit: int) -> list[Overdue]:
    """The open requests past their due time in every department, longest overdue first."""
    rows = await conn.execute(
        select(*_OVERDUE)
        .where(requests.c.status.in_(OPEN), requests.c.due_at <= now)
        .order_by(requests.c.due_at, requests.c.reference)
        .limit(limit)
    )
    return [_overdue(r) for r in rows]


async def escalated(conn: AsyncConnection, now: dt.datetime) -> dict[str, list[DigestLine]]:
    """Per department, its open requests past due longer than their rule escalates after."""
    rows = await conn.execute(
        select(*_OVERDUE, rules.c.escalate_after_hours)
        .outerjoin(rules, rules.c.id == requests.c.rule_id)
        .where(requests.c.status.in_(OPEN), requests.c.due_at <= now)
        .order_by(requests.c.due_at)
    )
    found: dict[str, list[DigestLine]] = defaultdict(list)
    for row in rows:
        after = dt.timedelta(hours=row.escalate_after_hours) if row.escalate_after_hours else None
        overdue = _overdue(row)
        if overdue.due_at + (after or DEFAULT_ESCALATE) > now:
            continue
        found[overdue.department].append(DigestLine.model_validate(overdue, from_attributes=True))
    return found


async def first_digest_today(conn: AsyncConnection, department: str, day: dt.date) -> bool:
    claimed = await conn.execute(
        upsert_insert(conn, digests).values(department=department, day=day).on_conflict_do_nothing()
    )
    return bool(claimed.rowcount)
