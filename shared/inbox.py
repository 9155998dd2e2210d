"""The idempotent-consumer guard: a consumer records each event id it has processed in the
same transaction as the effect, so a redelivered event is recognised and skipped."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import Column, DateTime, MetaData, String, Table
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.store import upsert_insert

__all__ = ["claim_new", "define_inbox", "first_delivery"]


def define_inbox(metadata: MetaData) -> Table:
    return Table(
        "inbox",
        metadata,
        Column("event_id", String(36), primary_key=True),
        Column("consumer", String(100), primary_key=True),
        Column("processed_at", DateTime(timezone=True), nullable=False),
    )


async def first_delivery(
    conn: AsyncConnection, inbox: Table, event_id: uuid.UUID, consumer: str
) -> bool:
    """Claim (event, consumer) inside the caller's transaction; False means already processed.

    Uses INSERT ... ON CONFLICT DO NOTHING rather than catching an integrity error, which on
    PostgreSQL would abort the caller's whole transaction.
    """
    statement = (
        upsert_insert(conn, inbox)
        .values(event_id=str(event_id), consumer=consumer, processed_at=datetime.now(UTC))
        .on_conflict_do_nothing()
    )
    result = await conn.execute(statement)
    return result.rowcount == 1


async def claim_new(
    conn: AsyncConnection, inbox: Table, event_ids: Sequence[uuid.UUID], consumer: str
) -> set[uuid.UUID]:
    """Claim a batch of events in one statement; returns the ids not processed before."""
    if not event_ids:
        return set()
    now = datetime.now(UTC)
    unique = list(dict.fromkeys(str(i) for i in event_ids))
    # One statement compiled once, run with many rows ("insertmanyvalues"), not a VALUES
    # list compiled afresh for every batch size.
    statement = upsert_insert(conn, inbox).on_conflict_do_nothing().returning(inbox.c.event_id)
    rows = [{"event_id": i, "consumer": consumer, "processed_at": now} for i in unique]
    result = await conn.execute(statement, rows)
    return {uuid.UUID(i) for i in result.scalars()}
