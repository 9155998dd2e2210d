"""Deliveries' queries: one row per message to one address, with its state, attempts and last
error; what a message says is kept as facts (`MessageFacts`, in the `facts` column) and
worded only when it is sent."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.notifications.channels.domain import Channel
from services.notifications.deliveries.domain import DeliveryStatus, Due, NewDelivery
from services.notifications.messages.domain import MessageFacts
from services.notifications.messages.texts import Template
from services.notifications.store import deliveries
from services.notifications.updates.domain import Contact
from shared.contracts.common import Language
from shared.store import as_utc, upsert_insert

__all__ = [
    "Sent",
    "add",
    "awaiting_among",
    "cancel_pending",
    "claim_due",
    "count_pending",
    "for_subject",
    "give_up",
    "hold",
    "mark_sent",
    "release",
    "release_awaiting",
    "reschedule_cancelled",
    "retry_at",
    "still_leased",
    "suppress",
]


async def add(conn: AsyncConnection, new: Sequence[NewDelivery], at: datetime) -> None:
    """Each (event, channel, address) once: a redelivered event adds nothing."""
    if not new:
        return
    rows = [
        {
            "id": str(uuid.uuid4()),
            "event_id": d.event_id,
            "subject": d.subject,
            "template": d.template.value,
            "facts": d.facts.model_dump(mode="json", exclude_none=True),
            "channel": d.channel.value if d.channel else None,
            "address": d.address,
            "language": d.language.value if d.language else None,
            "status": d.status.value,
            "attempts": 0,
            "next_attempt_at": d.not_before or at,
            "created_at": at,
        }
        for d in new
    ]
    await conn.execute(upsert_insert(conn, deliveries).on_conflict_do_nothing(), rows)


async def cancel_pending(conn: AsyncConnection, subject: str, template: Template) -> None:
    """`subject`'s `template` messages not yet sent will not go (the request moved on)."""
    await conn.execute(
        update(deliveries)
        .where(
            deliveries.c.subject == subject,
            deliveries.c.template == template.value,
            deliveries.c.status == DeliveryStatus.PENDING,
        )
        .values(status=DeliveryStatus.SUPPRESSED, lease_owner=None)
    )


async def reschedule_cancelled(conn: AsyncConnection, event_id: str, at: datetime) -> None:
    """A message cancelled before it went (never sent) goes after all, from `at` (a number
    that said STOP is still respected when it is due)."""
    await conn.execute(
        update(deliveries)
        .where(
            deliveries.c.event_id == event_id,
            deliveries.c.status == DeliveryStatus.SUPPRESSED,
            deliveries.c.sent_at.is_(None),
        )
        .values(status=DeliveryStatus.PENDING, next_attempt_at=at, attempts=0)
    )


async def awaiting_among(conn: AsyncConnection, references: list[str]) -> set[str]:
    """Which of `references` have updates held until their contact details arrive."""
    found = await conn.scalars(
        select(deliveries.c.subject).where(
            deliveries.c.subject.in_(references),
            deliveries.c.status == DeliveryStatus.AWAITING_CONTACT,
        )
    )
    return set(found)


async def release_awaiting(conn: AsyncConnection, contact: Contact, at: datetime) -> None:
    awaiting = update(deliveries).where(
        deliveries.c.subject == contact.reference,
        deliveries.c.status == DeliveryStatus.AWAITING_CONTACT,
    )
    if contact.channel is None:
        await conn.execute(awaiting.values(status=DeliveryStatus.SUPPRESSED))
        return
    await conn.execute(
        awaiting.values(
            status=DeliveryStatus.PENDING,
            channel=contact.channel.value,
            address=contact.address,
            language=contact.language.value,
            next_attempt_at=at,
        )
    )


@dataclass(frozen=True, slots=True)
class Sent:
    """A delivery as an operator reads it (no words, a masked address)."""

    channel: str | None
    address: str | None
    template: str
    language: str | None
    status: str
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


async def for_subject(conn: AsyncConnection, subject: str) -> list[Sent]:
    d = deliveries.c
    rows = await conn.execute(
        select(
            d.channel,
            d.address,
            d.template,
            d.language,
            d.status,
            d.attempts,
            d.last_error,
            d.created_at,
            d.sent_at,
        )
        .where(d.subject == subject)
        .order_by(d.created_at)
    )
    return [Sent(*row) for row in rows]


async def claim_due(
    conn: AsyncConnection,
    now: datetime,
    lease: Callable[[int], datetime],
    limit: int,
    lock: bool,
    owner: str,
) -> list[Due]:
    """Pending deliveries due by `now`, leased to `owner` until `lease(how many)` so no
    other replica (nor this one after a crash) sends them before then."""
    query = (
        select(deliveries)
        .where(deliveries.c.status == DeliveryStatus.PENDING, deliveries.c.next_attempt_at <= now)
        .order_by(deliveries.c.next_attempt_at)
        .limit(limit)
    )
    if lock:
        query = query.with_for_update(skip_locked=True)
    rows = (await conn.execute(query)).all()
    lease_until = lease(len(rows))
    if rows:
        await conn.execute(
            update(deliveries)
            .where(deliveries.c.id.in_([r.id for r in rows]))
            .values(next_attempt_at=lease_until, lease_owner=owner)
        )
    return [
        Due(
            id=r.id,
            subject=r.subject,
            template=Template(r.template),
            facts=MessageFacts.model_validate(r.facts),
            channel=Channel(r.channel),
            address=r.address,
            language=Language(r.language),
            attempts=r.attempts,
            created_at=as_utc(r.created_at),
            lease_until=lease_until,
            first_attempt_at=as_utc(r.first_attempt_at) if r.first_attempt_at else None,
        )
        for r in rows
    ]


def _leased(owner: str) -> ColumnElement[bool]:
    """Only while the lease is still `owner`'s: a dispatcher never records over another's."""
    return (deliveries.c.status == DeliveryStatus.PENDING) & (deliveries.c.lease_owner == owner)


async def still_leased(conn: AsyncConnection, ids: list[str], owner: str, lock: bool) -> set[str]:
    """Which of `ids` are still leased to `owner` (locked for this transaction, with `lock`)."""
    query = select(deliveries.c.id).where(deliveries.c.id.in_(ids), _leased(owner))
    return set(await conn.scalars(query.with_for_update() if lock else query))


async def mark_sent(conn: AsyncConnection, sent: list[Due], at: datetime, owner: str) -> int:
    """The common case, one statement for a group; how many were still this owner's."""
    if not sent:
        return 0
    result = await conn.execute(
        update(deliveries)
        .where(deliveries.c.id == bindparam("delivery_id"), _leased(owner))
        .values(
            status=DeliveryStatus.SENT,
            attempts=bindparam("tries"),
            sent_at=at,
            last_error=None,
            lease_owner=None,
        ),
        [{"delivery_id": d.id, "tries": d.attempts + 1} for d in sent],
    )
    return int(result.rowcount or 0)


async def hold(conn: AsyncConnection, due: Due, until: datetime, owner: str) -> int:
    return await _set(conn, due, owner, {"next_attempt_at": until})


async def release(conn: AsyncConnection, due: Due, at: datetime, owner: str) -> int:
    """Not tried after all (its lease would have ended mid-send): due again at `at`."""
    return await _set(conn, due, owner, {"next_attempt_at": at})


async def suppress(conn: AsyncConnection, due: Due, owner: str) -> int:
    return await _set(conn, due, owner, {"status": DeliveryStatus.SUPPRESSED})


async def retry_at(
    conn: AsyncConnection, due: Due, at: datetime, error: str, owner: str, tried: datetime
) -> int:
    first = due.first_attempt_at or tried
    values = {
        "attempts": due.attempts + 1,
        "next_attempt_at": at,
        "first_attempt_at": first,
        "last_error": error,
    }
    return await _set(conn, due, owner, values)


async def give_up(conn: AsyncConnection, due: Due, error: str, owner: str) -> int:
    failed = {"status": DeliveryStatus.FAILED, "attempts": due.attempts + 1, "last_error": error}
    return await _set(conn, due, owner, failed)


async def _set(conn: AsyncConnection, due: Due, owner: str, values: dict[str, object]) -> int:
    """`values` set on `due`'s row, and its lease ended, while the lease is `owner`'s."""
    result = await conn.execute(
        update(deliveries)
        .where(deliveries.c.id == due.id, _leased(owner))
        .values({**values, "lease_owner": None})
    )
    return int(result.rowcount or 0)


async def count_pending(conn: AsyncConnection, leased_at: datetime | None = None) -> int:
    """Deliveries waiting to be sent; with `leased_at`, only those leased past that time:
    what a dispatcher was sending when it stopped (or, with replicas, is sending now)."""
    pending = deliveries.c.status == DeliveryStatus.PENDING
    if leased_at is not None:
        leased = deliveries.c.lease_owner.is_not(None) & (deliveries.c.next_attempt_at > leased_at)
        pending = pending & leased
    count = await conn.scalar(select(func.count()).select_from(deliveries).where(pending))
    return int(count or 0)
