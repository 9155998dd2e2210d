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
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from prometheus_client import CollectorRegistry
from pydantic import ValidationError
from sqlalchemy import Table
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError

from shared.clock import Clock
from shared.contracts.registry import spec_for_type
from shared.deadletter import dead_letter_headers, scrub
from shared.event_routes import AfterCommit, Batch, Handler, Received, Route, on
from shared.events import EventReader, InvalidEvent, parse_event
from shared.inbox import claim_new
from shared.metrics import Declare
from shared.store import Database
from shared.topics import DEADLETTER

__all__ = [
    "AfterCommit",
    "Batch",
    "ConsumerMetrics",
    "EventConsumer",
    "Handler",
    "Received",
    "Record",
    "RetryLater",
    "Route",
    "describe_error",
    "on",
]

log = logging.getLogger(__name__)

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
        new = Declare(registry)
        self.dead_letters = new.counter(
            f"mo_{service}_deadletters_total", "Records sent to mo.deadletter.", ["consumer"]
        )
        self.batch_seconds = new.histogram(
            f"mo_{service}_consumer_batch_seconds",
            "Time to apply one consumed batch.",
            ["consumer"],
        )
        self.lag = new.gauge(
            f"mo_{service}_consumer_lag",
            "Records on the topic not yet consumed, per partition.",
            ["consumer", "topic", "partition"],
        )


@dataclass(frozen=True, slots=True)
class _Parsed:
    record: Record
    received: Received[Any]


class EventConsumer:
    def __init__(
        self,
        name: str,
        db: Database,
        inbox: Table,
        routes: Sequence[Route],
        send_raw: SendRaw,
        metrics: ConsumerMetrics,
        clock: Clock,
    ) -> None:
        self.name = name
        self._clock = clock
        self._db = db
        self._inbox = inbox
        self._routes = {route.spec.type: route for route in routes}
        self._types = frozenset(self._routes)
        self._reader = EventReader({route.spec.type: route.spec.model for route in routes})
        self._send_raw = send_raw
        self._metrics = metrics

    async def process(self, records: Sequence[Record]) -> None:
        started = time.perf_counter()
        parsed: list[_Parsed] = []
        rejected: list[tuple[Record, str]] = []
        for record in records:
            try:
                received = self._parse(record)
            except InvalidEvent as exc:
                rejected.append((record, str(exc)))
                continue
            if received is not None:
                parsed.append(_Parsed(record, received))
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

    def _parse(self, record: Record) -> Received[Any] | None:
        """The event, parsed; None for an event of the registry this consumer does not
        handle (a topic carries several types: each reader takes the ones it needs)."""
        raw = record.value or b""
        typed = self._reader.read(raw)
        received = Received(typed, typed.data) if typed is not None else self._parse_carefully(raw)
        if received is None:
            return None
        # Who wrote an event is known from its topic (only its producers may write there),
        # never from what its data says: an answer naming another service is refused.
        route = self._routes[received.event.type]
        belongs = route.spec.topic_for(received.data)
        if record.topic != belongs or record.topic not in route.topics:
            raise InvalidEvent(
                f"{received.event.type} for {belongs} read on {record.topic}: refused"
            )
        return received

    def _parse_carefully(self, raw: bytes) -> Received[Any] | None:
        """What the one-pass reader did not take: someone else's type (None), or a record
        that breaks its contract (`InvalidEvent`, saying where)."""
        event = parse_event(raw)
        if event.type not in self._types:
            if spec_for_type(event.type) is not None:
                return None
            raise InvalidEvent(f"unexpected event type {event.type!r}")
        return Received(event, event.data_as(self._routes[event.type].spec.model))

    async def _apply(self, items: Sequence[_Parsed]) -> None:
        if not items:
            return
        callbacks: list[AfterCommit] = []
        async with self._db.transaction() as conn:
            ids = [i.received.event.id for i in items]
            fresh = await claim_new(conn, self._inbox, ids, self.name, self._clock())
            # Redelivered events (seen before, or twice in this batch) are skipped.
            new: list[Received[Any]] = []
            for item in items:
                if item.received.event.id in fresh:
                    fresh.discard(item.received.event.id)
                    new.append(item.received)
            for event_type, run in itertools.groupby(new, key=lambda r: r.event.type):
                callback = await self._routes[event_type].handle(conn, list(run))
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
        value, truncated_from = scrub(record.value or b"")
        headers = dead_letter_headers(
            self.name, reason, record.topic, record.partition, record.offset, truncated_from
        )
        try:
            await self._send_raw(DEADLETTER, value, record.key, headers)
        except Exception as exc:  # not acknowledged until its dead letter is kept
            raise RetryLater(f"dead letter not published: {describe_error(exc)}") from exc
        self._metrics.dead_letters.labels(self.name).inc()
