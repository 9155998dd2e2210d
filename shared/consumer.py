"""The idempotent, dead-lettering batch consumer every service's subscribers run through.

A batch of records is applied in one transaction, each event only once per consumer (the
inbox). A record that cannot be parsed, or whose effect fails for reasons of its own, goes to
`mo.deadletter` and the rest still commit. When the store itself is unreachable nothing is
dead-lettered: the batch is retried later (`RetryLater`), since every record would fail alike.
Offsets are committed by the caller only after all of this has succeeded.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from pydantic import ValidationError
from sqlalchemy import Table
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.deadletter import dead_letter_headers, scrub
from shared.events import CloudEvent, InvalidEvent, parse_event
from shared.inbox import claim_new
from shared.store import Database
from shared.topics import DEADLETTER

__all__ = [
    "Applier",
    "ConsumerMetrics",
    "EventConsumer",
    "Record",
    "RetryLater",
    "describe_error",
    "each",
]

log = logging.getLogger(__name__)

AfterCommit = Callable[[], None]
Applier = Callable[[AsyncConnection, Sequence[CloudEvent]], Awaitable[AfterCommit | None]]
"""Applies a run of new events of one type, in order, inside the consumer's transaction
(so it can write them with a statement per table, not per event); may return a callback to
run after the commit (metrics, wake-ups)."""

OneEvent = Callable[[AsyncConnection, CloudEvent], Awaitable[None]]


def each(apply_one: OneEvent) -> Applier:
    """An applier that handles the events of a run one at a time."""

    async def apply(conn: AsyncConnection, events: Sequence[CloudEvent]) -> None:
        for event in events:
            await apply_one(conn, event)

    return apply


SendRaw = Callable[[str, bytes, bytes | None, dict[str, str]], Awaitable[None]]


class Record(Protocol):
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None


class RetryLater(Exception):
    """The batch could not be applied for reasons outside it (store or broker unreachable)."""


def _transient(exc: BaseException) -> bool:
    if isinstance(exc, (OperationalError, InterfaceError, ConnectionError, TimeoutError, OSError)):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


def describe_error(exc: BaseException) -> str:
    """Why a record failed, without quoting its content (which may be personal)."""
    if isinstance(exc, InvalidEvent):
        return str(exc)
    if isinstance(exc, ValidationError):
        fields = ", ".join(".".join(str(p) for p in e["loc"]) for e in exc.errors())
        return f"invalid fields: {fields}"
    if isinstance(exc, SQLAlchemyError):
        origin = getattr(exc, "orig", None)
        return f"{type(exc).__name__} ({type(origin).__name__ if origin else 'store'})"
    return f"{type(exc).__name__}: {str(exc)[:200]}"


class ConsumerMetrics:
    """One set per service: dead letters, batch time and lag, labelled by consumer."""

    def __init__(self, registry: CollectorRegistry, service: str) -> None:
        self.dead_letters = Counter(
            f"mo_{service}_deadletters_total",
            "Records sent to mo.deadletter.",
            ["consumer"],
            registry=registry,
        )
        self.batch_seconds = Histogram(
            f"mo_{service}_consumer_batch_seconds",
            "Time to apply one consumed batch.",
            ["consumer"],
            registry=registry,
        )
        self.lag = Gauge(
            f"mo_{service}_consumer_lag",
            "Records on the topic not yet consumed, per partition.",
            ["consumer", "topic", "partition"],
            registry=registry,
        )


@dataclass(frozen=True, slots=True)
class _Parsed:
    record: Record
    event: CloudEvent


class EventConsumer:
    def __init__(
        self,
        name: str,
        db: Database,
        inbox: Table,
        appliers: Mapping[str, Applier],
        send_raw: SendRaw,
        metrics: ConsumerMetrics,
    ) -> None:
        self.name = name
        self._db = db
        self._inbox = inbox
        self._appliers = dict(appliers)
        self._types = frozenset(appliers)
        self._send_raw = send_raw
        self._metrics = metrics

    async def process(self, records: Sequence[Record]) -> None:
        started = time.perf_counter()
        parsed: list[_Parsed] = []
        rejected: list[tuple[Record, str]] = []
        for record in records:
            try:
                parsed.append(_Parsed(record, parse_event(record.value or b"", self._types)))
            except InvalidEvent as exc:
                rejected.append((record, str(exc)))
        try:
            await self._apply(parsed)
        except Exception as exc:
            if _transient(exc):
                raise RetryLater(describe_error(exc)) from exc
            # Something in the batch is poison: apply one by one to find it.
            for item in parsed:
                try:
                    await self._apply([item])
                except Exception as single:
                    if _transient(single):
                        raise RetryLater(describe_error(single)) from single
                    rejected.append((item.record, describe_error(single)))
        # Concurrently: a restored store can make a whole backlog unprocessable at once.
        await asyncio.gather(*(self._dead_letter(record, reason) for record, reason in rejected))
        self._metrics.batch_seconds.labels(self.name).observe(time.perf_counter() - started)

    async def _apply(self, items: Sequence[_Parsed]) -> None:
        if not items:
            return
        callbacks: list[AfterCommit] = []
        async with self._db.transaction() as conn:
            fresh = await claim_new(conn, self._inbox, [i.event.id for i in items], self.name)
            # Redelivered events (seen before, or twice in this batch) are skipped.
            new: list[CloudEvent] = []
            for item in items:
                if item.event.id in fresh:
                    fresh.discard(item.event.id)
                    new.append(item.event)
            for event_type, run in itertools.groupby(new, key=lambda e: e.type):
                callback = await self._appliers[event_type](conn, list(run))
                if callback is not None:
                    callbacks.append(callback)
        for callback in callbacks:
            callback()

    async def _dead_letter(self, record: Record, reason: str) -> None:
        log.warning(
            "%s: dead-lettering %s[%d]@%d: %s",
            self.name,
            record.topic,
            record.partition,
            record.offset,
            reason,
        )
        headers = dead_letter_headers(
            self.name, reason, record.topic, record.partition, record.offset
        )
        await self._send_raw(DEADLETTER, scrub(record.value or b""), record.key, headers)
        self._metrics.dead_letters.labels(self.name).inc()
