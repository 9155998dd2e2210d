"""The transactional outbox: an event is written in the same transaction as the state change
it reports, and a relay publishes it to Kafka afterwards, so a crash between the two loses
nothing (the relay catches up on restart) and a broker outage only delays delivery.

Delivery is at least once: a crash after publishing but before the row is deleted publishes
the row again on restart, and consumers drop the repeat by the event id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from pydantic import BaseModel
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
)
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.contracts.registry import spec_for_model
from shared.events import CONTENT_TYPE, CloudEvent, event_bytes, new_event, topic_of
from shared.store import insert_rows
from shared.topics import source

__all__ = ["Outbox"]

_HEADERS: Final = {"content-type": CONTENT_TYPE}


@dataclass(frozen=True, slots=True)
class Outbox:
    """A service's outbox, bound to its table and its service's CloudEvents `source`: the one
    way a use case publishes. What it stages goes out only if the surrounding transaction
    commits."""

    table: Table
    source: str

    @classmethod
    def define(cls, metadata: MetaData, service: str) -> Outbox:
        """The outbox table in `metadata`, its events from `service`."""
        return cls(_table(metadata), source(service))

    def event(self, data: BaseModel, *, subject: str, at: datetime) -> CloudEvent:
        """The event that `stage` would write, for a caller that needs its id first."""
        return new_event(data, self.source, subject, at)

    async def stage(
        self,
        conn: AsyncConnection,
        data: BaseModel,
        *,
        subject: str,
        at: datetime,
        topic: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> CloudEvent:
        """Stage one event around `data` (its type from the registry), keyed by `subject`, on
        its topic (or `topic`, for a dead letter); returns it."""
        event = self.event(data, subject=subject, at=at)
        await self.stage_events(conn, [event], at=at, topic=topic, headers=headers)
        return event

    async def stage_all(
        self, conn: AsyncConnection, items: Sequence[tuple[BaseModel, str]], *, at: datetime
    ) -> None:
        """Stage several `(data, subject)` events in one statement, published in this order.
        The hot path of a consumer's batch: each event goes from its model to its bytes in
        one pass (`event_bytes`)."""
        await insert_rows(
            conn,
            self.table,
            [
                {
                    "topic": spec_for_model(type(data)).topic_for(data),
                    "key": subject,
                    "value": event_bytes(data, self.source, subject, at),
                    "headers": _HEADERS,
                    "created_at": at,
                }
                for data, subject in items
            ],
        )

    async def stage_events(
        self,
        conn: AsyncConnection,
        events: Sequence[CloudEvent],
        *,
        at: datetime,
        topic: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Stage events already built (a dead letter's original, say), in this order."""
        sent_headers = {**_HEADERS, **(headers or {})}
        await insert_rows(
            conn,
            self.table,
            [
                {
                    "topic": topic or topic_of(e),
                    "key": e.subject,
                    "value": e.to_bytes(),
                    "headers": sent_headers,
                    "created_at": at,
                }
                for e in events
            ],
        )


def _table(metadata: MetaData) -> Table:
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
