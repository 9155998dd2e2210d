"""Sends due deliveries: quiet hours and STOP respected, retries with backoff and jitter,
and every outcome recorded with its event (delivered or failed) in one transaction.

A crash after a channel accepted a message but before it was recorded leaves the delivery
due again once its lease runs out; the retry carries the same delivery id as its
idempotency key (HTTP header for the SMS gateway, Message-ID for e-mail), so a gateway that
honours the key sends it once, and one that does not sends it at most twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from sqlalchemy.ext.asyncio import AsyncConnection

from services.notifications import delivery_store, store
from services.notifications.channels import Outgoing, Sender, SendError
from services.notifications.delivery_store import Due
from services.notifications.domain import (
    Channel,
    GiveUp,
    Hold,
    QuietHours,
    Retry,
    Send,
    Suppress,
    after_failure,
    what_to_do,
)
from services.notifications.messages import compose
from shared.background import Background
from shared.contracts.notifications import NotificationDelivered, NotificationFailed
from shared.deadletter import dead_letter_headers
from shared.events import CloudEvent, new_event
from shared.outbox import enqueue, enqueue_many
from shared.store import Database
from shared.topics import DEADLETTER, source

__all__ = ["Dispatcher", "NotificationMetrics"]

log = logging.getLogger(__name__)
SOURCE = source("notifications")
LEASE = dt.timedelta(seconds=60)


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
        self.latency = Histogram(
            "mo_notifications_delivery_seconds",
            "From the delivery's creation to its sending.",
            buckets=(0.1, 0.5, 1, 5, 30, 60, 300, 3600, 6 * 3600, 12 * 3600),
            registry=registry,
        )


@dataclass(frozen=True, slots=True)
class _Result:
    due: Due
    action: Send | Suppress | Hold
    error: SendError | None = None


class Dispatcher:
    def __init__(
        self,
        db: Database,
        senders: Mapping[Channel, Sender],
        clock: Callable[[], dt.datetime],
        quiet_hours: QuietHours,
        metrics: NotificationMetrics,
        max_attempts: int = 5,
        batch_size: int = 500,
        concurrency: int = 50,
        poll_seconds: float = 0.5,
    ) -> None:
        self._db = db
        self._senders = senders
        self._clock = clock
        self._quiet = quiet_hours
        self._metrics = metrics
        self._max_attempts = max_attempts
        self._batch_size = batch_size
        self._slots = asyncio.Semaphore(concurrency)
        self._poll = poll_seconds
        self._wake = asyncio.Event()
        self._loop = Background("dispatcher", self._run)
        self._sending = asyncio.Lock()

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()
        for sender in self._senders.values():
            await sender.close()

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            try:
                while await self.dispatch_due() == self._batch_size:
                    pass
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("dispatcher: a round failed; trying again shortly")
                await asyncio.sleep(2)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._poll):
                    await self._wake.wait()

    async def dispatch_due(self) -> int:
        """One round: claim what is due, send it, record the outcomes. Returns how many."""
        async with self._sending:
            now = self._clock()
            async with self._db.transaction() as conn:
                claimed = await delivery_store.claim_due(
                    conn, now, now + LEASE, self._batch_size, lock=not self._db.is_sqlite
                )
                phones = [d.address for d in claimed if d.channel is Channel.SMS]
                stopped = await store.stopped_among(conn, phones) if phones else set()
            if not claimed:
                async with self._db.reading() as conn:
                    self._metrics.pending.set(await delivery_store.count_pending(conn))
                return 0
            results = await asyncio.gather(
                *(
                    self._send(d, what_to_do(d.channel, d.address, stopped, self._quiet, now))
                    for d in claimed
                )
            )
            await self._record(results)
            return len(claimed)

    async def _send(self, due: Due, action: Send | Suppress | Hold) -> _Result:
        if not isinstance(action, Send):
            return _Result(due, action)
        message = compose(due.template, due.language, due.facts)
        outgoing = Outgoing(
            delivery_id=due.id,
            channel=due.channel,
            address=due.address,
            subject_ref=due.subject,
            text=message.sms if due.channel is Channel.SMS else message.body,
            email_subject=message.subject,
            unsubscribe_url=message.unsubscribe_url,
        )
        async with self._slots:
            try:
                await self._senders[due.channel].send(outgoing)
            except SendError as exc:
                return _Result(due, action, exc)
            except Exception as exc:  # a bug in a channel must not stop the others
                log.exception("dispatcher: %s channel failed unexpectedly", due.channel)
                return _Result(due, action, SendError(f"unexpected {type(exc).__name__}"))
        return _Result(due, action)

    async def _record(self, results: list[_Result]) -> None:
        now = self._clock()
        after: list[Callable[[], None]] = []
        sent = [r.due for r in results if isinstance(r.action, Send) and r.error is None]
        async with self._db.transaction() as conn:
            await delivery_store.mark_sent(conn, sent, now)
            await enqueue_many(conn, store.outbox, [self._delivered(d, now) for d in sent])
            for result in results:
                if isinstance(result.action, Hold):  # quiet hours: wait for the morning
                    await delivery_store.hold(conn, result.due, result.action.until)
                elif isinstance(result.action, Suppress):
                    await delivery_store.suppress(conn, result.due)
                elif result.error is not None:
                    after.extend(await self._failed(conn, result.due, result.error, now))
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
        verdict = after_failure(attempts, self._max_attempts, error.retryable, now)
        if isinstance(verdict, Retry):
            await delivery_store.retry_at(conn, due, verdict.at, error.reason)
            log.info("delivery %s attempt %d failed (%s); retrying", due.id, attempts, error.reason)
            return []
        assert isinstance(verdict, GiveUp)
        await delivery_store.give_up(conn, due, error.reason)
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
