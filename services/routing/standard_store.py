"""Routing's store, the service-standards half: requests past their due time, and what the
standards report reads (each request's due time and when it was first resolved)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.routing.store import requests, status_history
from shared.contracts.common import RequestStatus
from shared.contracts.routing import Priority
from shared.store import as_utc

__all__ = ["Due", "Overdue", "mark_newly_overdue", "overdue_counts", "received_between"]

_S = RequestStatus
OPEN: tuple[str, ...] = (_S.ROUTED.value, _S.ACKNOWLEDGED.value, _S.IN_PROGRESS.value)
DONE: tuple[str, ...] = (_S.RESOLVED.value, _S.CLOSED.value)


@dataclass(frozen=True, slots=True)
class Overdue:
    reference: str
    category: str
    department: str
    priority: Priority
    status: RequestStatus
    due_at: datetime


@dataclass(frozen=True, slots=True)
class Due:
    """A routed request as the standards report sees it."""

    department: str
    category: str
    status: RequestStatus
    logged_at: datetime
    due_at: datetime
    resolved_at: datetime | None  # the first time it was resolved (or closed)
    reopened: bool = False  # a resident said it was not fixed: not within the standard


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
        .returning(
            requests.c.reference,
            requests.c.category,
            requests.c.department,
            requests.c.priority,
            requests.c.status,
            requests.c.due_at,
        )
    )
    return [
        Overdue(
            r.reference,
            r.category,
            r.department,
            Priority(r.priority),
            RequestStatus(r.status),
            as_utc(r.due_at),
        )
        for r in rows
    ]


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
        )
        for r in rows
    ]
