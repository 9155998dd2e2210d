"""The idempotent-consumer guard: a consumer records each event id it has processed in the
same transaction as the effect, so a redelivered event is recognised and skipped."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Column, DateTime, MetaData, String, Table
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.store import upsert_insert

__all__ = ["claim_new", "define_inbox"]


def define_inbox(metadata: MetaData) -> Table:
    return Table(
        "inbox",
        metadata,
        Column("event_id", String(36), primary_key=True),
        Column("consumer", String(100), primary_key=True),
        Column("processed_at", DateTime(timezone=True), nullable=False),
    )


async def claim_new(
    conn: AsyncConnection,
    inbox: Table,
    event_ids: Sequence[uuid.UUID],
    consumer: str,
    now: datetime,
) -> set[uuid.UUID]:
    """Claim a batch of events in one statement, processed `now`; returns the ids not
    processed before."""
    if not event_ids:
        return set()
    unique = list(dict.fromkeys(str(i) for i in event_ids))
    # One statement compiled once, run with many rows ("insertmanyvalues"), not a VALUES
    # list compiled afresh for every batch size.
    statement = upsert_insert(conn, inbox).on_conflict_do_nothing().returning(inbox.c.event_id)
    rows = [{"event_id": i, "consumer": consumer, "processed_at": now} for i in unique]
    result = await conn.execute(statement, rows)
    return {uuid.UUID(i) for i in result.scalars()}
