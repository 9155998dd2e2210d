"""What became of each send, recorded with its event (delivered, or failed and dead-lettered)
in one transaction, and only while the delivery's lease is still this dispatcher's. A failed
try is retried by time: with backoff and jitter until the retry budget (counted from the first
try) is spent, never sooner than the gateway's `Retry-After`."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from sqlalchemy.ext.asyncio import AsyncConnection

from services.notifications import delivery_store, store
from services.notifications.channels import SendError
from services.notifications.delivery_store import Due
from services.notifications.domain import (
    RETRY_CAP_SECONDS,
    GiveUp,
    Hold,
    Retry,
    Send,
    Suppress,
    after_failure,
)
from shared.contracts.notifications import NotificationDelivered, NotificationFailed
from shared.deadletter import dead_letter_headers
from shared.events import CloudEvent, new_event
from shared.outbox import enqueue, enqueue_many
from shared.store import Database
from shared.topics import DEADLETTER, source

__all__ = ["NotificationMetrics", "Outcome", "Outcomes", "Release"]

log = logging.getLogger(__name__)
SOURCE = source("notifications")


class NotificationMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.sent = Counter(
            "mo_notifications_sent_total",
            "Messages a channel accepted.",
            ["channel", "template", "language"],
            registry=registry,
        )
        self.failed = Counter(
            "mo_notifications_failed_total",
            "Messages given up on.",
            ["channel", "reason"],
            registry=registry,
        )
        self.pending = Gauge(
            "mo_notifications_pending_deliveries",
            "Deliveries waiting to be sent.",
            registry=registry,
        )
        self.in_flight_at_start = Gauge(
            "mo_notifications_in_flight_at_start",
            "Deliveries leased and not recorded when the dispatcher started: what a stopped "
            "dispatcher had claimed (at most its concurrency of them had been sent, which a "
            "gateway ignoring Idempotency-Key may repeat).",
            registry=registry,
        )
        self.late = Counter(
            "mo_notifications_late_outcomes_total",
            "Outcomes not recorded because the delivery's lease had passed to another.",
            registry=registry,
        )
        self.latency = Histogram(
            "mo_notifications_delivery_seconds",
            "From the delivery's creation to its sending.",
            buckets=(0.1, 0.5, 1, 5, 30, 60, 300, 3600, 6 * 3600, 12 * 3600),
            registry=registry,
        )


@dataclass(frozen=True, slots=True)
class Release:
    """Not tried: its lease would end before the send could (a long pause for the gateway)."""


@dataclass(frozen=True, slots=True)
class Outcome:
    due: Due
    action: Send | Suppress | Hold | Release
    error: SendError | None = None


class Outcomes:
    def __init__(
        self,
        db: Database,
        clock: Callable[[], dt.datetime],
        metrics: NotificationMetrics,
        owner: str,
        *,
        retry_budget: dt.timedelta = dt.timedelta(hours=6),
        retry_cap_seconds: float = RETRY_CAP_SECONDS,
        max_attempts: int | None = None,
    ) -> None:
        self._db = db
        self._clock = clock
        self._metrics = metrics
        self._owner = owner
        self._budget = retry_budget
        self._cap = retry_cap_seconds
        self._max_attempts = max_attempts

    async def record(self, results: Sequence[Outcome]) -> None:
        """One transaction for a group of outcomes, with their events; an outcome whose
        delivery another dispatcher has taken (its lease ran out) changes nothing and
        publishes nothing."""
        now, owner = self._clock(), self._owner
        after: list[Callable[[], None]] = []
        async with self._db.transaction() as conn:
            ids = [r.due.id for r in results]
            leased = await delivery_store.still_leased(conn, ids, owner, not self._db.is_sqlite)
            ours = [r for r in results if r.due.id in leased]
            sent = [r.due for r in ours if isinstance(r.action, Send) and r.error is None]
            await delivery_store.mark_sent(conn, sent, now, owner)
            await enqueue_many(conn, store.outbox, [self._delivered(d, now) for d in sent])
            for result in ours:
                if isinstance(result.action, Hold):  # quiet hours: wait for the morning
                    await delivery_store.hold(conn, result.due, result.action.until, owner)
                elif isinstance(result.action, Suppress):
                    await delivery_store.suppress(conn, result.due, owner)
                elif isinstance(result.action, Release):
                    await delivery_store.release(conn, result.due, now, owner)
                elif result.error is not None:
                    after.extend(await self._failed(conn, result.due, result.error, now))
        if len(ours) < len(results):  # the lease ran out and another dispatcher took them
            self._metrics.late.inc(len(results) - len(ours))
            log.error("dispatcher: %d outcomes came after their lease", len(results) - len(ours))
        for due in sent:
            self._metrics.sent.labels(due.channel.value, due.template.value, due.language).inc()
            self._metrics.latency.observe(max(0.0, (now - due.created_at).total_seconds()))
        for callback in after:
            callback()

    @staticmethod
    def _delivered(due: Due, now: dt.datetime) -> CloudEvent:
        delivered = NotificationDelivered(
            delivery_id=due.id,
            subject=due.subject,
            channel=due.channel.value,
            template=due.template.value,
            language=due.language.value,
            attempts=due.attempts + 1,
            sent_at=now,
        )
        return new_event(delivered, SOURCE, due.subject, now)

    async def _failed(
        self, conn: AsyncConnection, due: Due, error: SendError, now: dt.datetime
    ) -> list[Callable[[], None]]:
        attempts = due.attempts + 1
        verdict = after_failure(
            attempts,
            error.retryable,
            now,
            (due.first_attempt_at or now) + self._budget,
            max_attempts=self._max_attempts,
            retry_after=error.retry_after,
            cap=self._cap,
        )
        if isinstance(verdict, Retry):
            await delivery_store.retry_at(conn, due, verdict.at, error.reason, self._owner, now)
            log.info("delivery %s attempt %d failed (%s); retrying", due.id, attempts, error.reason)
            return []
        assert isinstance(verdict, GiveUp)
        await delivery_store.give_up(conn, due, error.reason, self._owner)
        failed = NotificationFailed(
            delivery_id=due.id,
            subject=due.subject,
            channel=due.channel.value,
            template=due.template.value,
            language=due.language.value,
            attempts=attempts,
            reason=error.reason,
            failed_at=now,
        )
        event = new_event(failed, SOURCE, due.subject, now)
        await enqueue(conn, store.outbox, event)
        headers = dead_letter_headers("notifications", error.reason, "deliveries", 0, attempts)
        await enqueue(conn, store.outbox, event, topic=DEADLETTER, headers=headers)
        log.warning("delivery %s given up after %d attempts: %s", due.id, attempts, error.reason)
        return [lambda: self._metrics.failed.labels(due.channel.value, verdict.outcome).inc()]
