"""The work queue's store: a team's requests filtered and sorted by due time, one request's
history and the requests joined to it as duplicates, and the page sessions of the people who
work the queue."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    String,
    Table,
    and_,
    func,
    insert,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from services.routing.queue.domain import Order, QueueFilter, Step
from services.routing.store import (
    metadata,
    requests,
    routed_request,
    status_history,
)
from services.routing.work.domain import OPEN, RoutedRequest
from shared.refusals import Invalid
from shared.staff.sessions import define_sessions
from shared.store import as_utc

__all__ = [
    "affected",
    "cause_of",
    "count",
    "duplicates_of",
    "history_of",
    "join",
    "page_of",
    "queue",
    "sessions",
]

sessions = define_sessions(metadata)  # people's sign-ins to the queue's pages (shared/staff/)
joined = Table(  # residents joined to a request they did not log (no contact details here)
    "joined_residents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("reference", String(10), nullable=False, index=True),
    Column("joined_at", DateTime(timezone=True), nullable=False),
)


async def queue(
    conn: AsyncConnection,
    chosen: QueueFilter,
    limit: int,
    after: list[Any] | None = None,
    reopened_first: bool = False,
    now: datetime | None = None,
) -> list[RoutedRequest]:
    """`now` is needed to choose the overdue ones (`chosen.overdue`)."""
    query = select(requests).where(*_filtered(chosen, now))
    if after is not None:
        try:
            due, reference = str(after[0]), str(after[1])
        except IndexError:
            raise Invalid("is not a cursor this service gave", "cursor") from None
        if due != "9999":
            try:
                when = datetime.fromisoformat(due)
            except ValueError:
                raise Invalid("is not a cursor this service gave", "cursor") from None
            query = query.where(
                or_(
                    requests.c.due_at > when,
                    and_(requests.c.due_at == when, requests.c.reference > reference),
                    requests.c.due_at.is_(None),
                )
            )
        else:
            query = query.where(requests.c.due_at.is_(None), requests.c.reference > reference)
    # The page puts reopened requests first (a resident said the fix did not hold); a list
    # walked with a cursor keeps to due order, which its cursor can follow.
    order: list[Any] = [requests.c.due_at.is_(None), requests.c.due_at]
    if reopened_first:
        order.insert(0, requests.c.reopened_at.is_(None))
    rows = await conn.execute(query.order_by(*order, requests.c.reference).limit(limit))
    return [routed_request(r) for r in rows]


def _filtered(chosen: QueueFilter, now: datetime | None) -> list[Any]:
    """The conditions of `chosen`; `now` is needed to choose the overdue ones."""
    conditions: list[Any] = []
    if chosen.overdue:
        if now is None:
            raise ValueError("the overdue requests need the time now")
        conditions.append(requests.c.due_at < now)
    if chosen.reference:  # found by its number: whatever its status, unless one is chosen
        conditions.append(requests.c.reference.startswith(chosen.reference, autoescape=True))
    if chosen.status:
        conditions.append(requests.c.status == chosen.status)
    elif not chosen.reference:
        conditions.append(requests.c.status.in_(OPEN))
    for name in ("department", "area", "category", "priority"):
        value = getattr(chosen, name)
        if value:
            conditions.append(requests.c[name] == value)
    if chosen.community:  # forgiving: any case, spaces around, the start of the name
        sought = " ".join(chosen.community.split()).lower()
        stored = func.lower(func.trim(requests.c.community))
        conditions.append(stored.startswith(sought, autoescape=True))
    return conditions


async def page_of(
    conn: AsyncConnection, chosen: QueueFilter, order: Order, offset: int, limit: int, now: datetime
) -> list[RoutedRequest]:
    """`limit` requests of those `chosen`, from the `offset`th in `order`."""
    by: list[Any]
    if order is Order.NEWEST:
        by = [requests.c.logged_at.desc(), requests.c.reference.desc()]
    elif order is Order.UPDATED:
        by = [requests.c.updated_at.desc(), requests.c.reference.desc()]
    else:  # reopened first (a resident said the fix did not hold), then soonest due
        by = [
            requests.c.reopened_at.is_(None),
            requests.c.due_at.is_(None),
            requests.c.due_at,
            requests.c.reference,
        ]
    query = select(requests).where(*_filtered(chosen, now)).order_by(*by)
    rows = await conn.execute(query.offset(offset).limit(limit))
    return [routed_request(r) for r in rows]


async def count(conn: AsyncConnection, chosen: QueueFilter, now: datetime) -> int:
    """How many requests `chosen` finds in all."""
    query = select(func.count()).select_from(requests)
    query = query.where(*_filtered(chosen, now))
    return int(await conn.scalar(query) or 0)


async def history_of(conn: AsyncConnection, reference: str) -> list[Step]:
    rows = await conn.execute(
        select(status_history)
        .where(status_history.c.reference == reference)
        .order_by(status_history.c.at, status_history.c.id)
    )
    return [Step(r.status, as_utc(r.at), r.by, r.note) for r in rows]


async def cause_of(conn: AsyncConnection, reference: str) -> str | None:
    """Why the request was resolved or closed, the latest time (None while it is open)."""
    cause = await conn.scalar(select(requests.c.cause).where(requests.c.reference == reference))
    return str(cause) if cause else None


async def duplicates_of(conn: AsyncConnection, reference: str) -> list[str]:
    """The requests a department closed as repeats of this one."""
    rows = await conn.scalars(
        select(requests.c.reference)
        .where(requests.c.duplicate_of == reference)
        .order_by(requests.c.reference)
    )
    return list(rows)


async def join(conn: AsyncConnection, reference: str, at: datetime) -> None:
    await conn.execute(insert(joined).values(reference=reference, joined_at=at))


async def affected(conn: AsyncConnection, references: list[str]) -> int:
    """How many residents `references` stand for: each one's own, and those joined to it."""
    extra = await conn.scalar(
        select(func.count()).select_from(joined).where(joined.c.reference.in_(references))
    )
    return len(references) + int(extra or 0)
