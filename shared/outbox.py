"""The transactional outbox: an event is written in the same transaction as the state change
it reports, and a relay publishes it to Kafka afterwards, so a crash between the two loses
nothing (the relay catches up on restart) and a broker outage only delays delivery.

Delivery is at least once: a crash after publishing but before the row is deleted publishes
the row again on restart, and consumers drop the repeat by the event id.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    insert,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.events import CONTENT_TYPE, CloudEvent, topic_of

__all__ = ["define_outbox", "enqueue", "enqueue_many"]


def define_outbox(metadata: MetaData) -> Table:
    return Table(
        "outbox",
        metadata,
        Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
        Column("topic", String(249), nullable=False),
        Column("key", String(100), nullable=False),
        Column("value", LargeBinary, nullable=False),
        Column("headers", JSON, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
    )


async def enqueue(
    conn: AsyncConnection,
    outbox: Table,
    event: CloudEvent,
    *,
    topic: str | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    """Stage `event` for publication on its topic (or `topic`, for a dead letter); it goes out
    only if the surrounding transaction commits."""
    await conn.execute(
        insert(outbox).values(
            topic=topic or topic_of(event),
            key=event.subject,
            value=event.to_bytes(),
            headers={"content-type": CONTENT_TYPE, **(headers or {})},
            created_at=datetime.now(UTC),
        )
    )


async def enqueue_many(conn: AsyncConnection, outbox: Table, events: Sequence[CloudEvent]) -> None:
    """Stage several events in one statement, each on its topic; published in this order."""
    if not events:
        return
    now = datetime.now(UTC)
    headers = {"content-type": CONTENT_TYPE}
    await conn.execute(
        insert(outbox),
        [
            {
                "topic": topic_of(e),
                "key": e.subject,
                "value": e.to_bytes(),
                "headers": headers,
                "created_at": now,
            }
            for e in events
        ],
    )
