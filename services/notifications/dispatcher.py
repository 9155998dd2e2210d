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
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.notifications import store
from services.notifications.channels import Outgoing, Sender, SendError
from services.notifications.domain import QuietHours, backoff_seconds
from services.notifications.store import Status
from services.notifications.texts import Template, render, visit_day
from shared.contracts.common import Language
from shared.contracts.notifications import NotificationDelivered, NotificationFailed
from shared.deadletter import dead_letter_headers
from shared.events import new_event
from shared.outbox import enqueue, enqueue_many
from shared.store import Database, as_utc
from shared.topics import DEADLETTER, NOTIFICATIONS, EventType, source

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
class _Due:
    row: Any
    outgoing: Outgoing | None  # None: suppressed (STOP) or held (quiet hours)
    hold_until: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class _Result:
    due: _Due
    error: SendError | None


class Dispatcher:
    def __init__(
        self,
        db: Database,
        senders: Mapping[str, Sender],
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
        self._task: asyncio.Task[None] | None = None
        self._sending = asyncio.Lock()

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="dispatcher")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
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
            claimed = await self._claim()
            if not claimed:
                await self._measure_pending()
                return 0
            results = await asyncio.gather(*(self._send(d) for d in claimed))
            await self._record(results)
            return len(claimed)

    async def _claim(self) -> list[_Due]:
        now = self._clock()
        async with self._db.transaction() as conn:
            query = (
                select(store.deliveries)
                .where(
                    store.deliveries.c.status == Status.PENDING,
                    store.deliveries.c.next_attempt_at <= now,
                )
                .order_by(store.deliveries.c.next_attempt_at)
                .limit(self._batch_size)
            )
            if not self._db.is_sqlite:
                query = query.with_for_update(skip_locked=True)
            rows = (await conn.execute(query)).all()
            if not rows:
                return []
            # A lease: another replica (or this one after a crash) retries only after it.
            await conn.execute(
                update(store.deliveries)
                .where(store.deliveries.c.id.in_([r.id for r in rows]))
                .values(next_attempt_at=now + LEASE)
            )
            phones = [r.address for r in rows if r.channel == "sms"]
            stopped = set(
                await conn.scalars(
                    select(store.opt_outs.c.phone).where(store.opt_outs.c.phone.in_(phones))
                )
            )
        return [self._prepare(row, now, stopped) for row in rows]

    def _prepare(self, row: Any, now: dt.datetime, stopped: set[str]) -> _Due:
        if row.channel == "sms":
            if row.address in stopped:
                return _Due(row, None)
            allowed = self._quiet.next_allowed(now)
            if allowed > now:
                return _Due(row, None, hold_until=allowed)
        language = Language(row.language)
        params = dict(row.params)
        if params.get("date"):
            params["date"] = visit_day(dt.date.fromisoformat(params["date"]), language)
        message = render(Template(row.template), language, params)
        outgoing = Outgoing(
            delivery_id=row.id,
            channel=row.channel,
            address=row.address,
            subject_ref=row.subject,
            text=message.sms if row.channel == "sms" else message.body,
            email_subject=message.subject,
        )
        return _Due(row, outgoing)

    async def _send(self, due: _Due) -> _Result:
        if due.outgoing is None:
            return _Result(due, None)
        async with self._slots:
            try:
                await self._senders[due.outgoing.channel].send(due.outgoing)
            except SendError as exc:
                return _Result(due, exc)
            except Exception as exc:  # a bug in a channel must not stop the others
                log.exception("dispatcher: %s channel failed unexpectedly", due.outgoing.channel)
                return _Result(due, SendError(f"unexpected {type(exc).__name__}"))
        return _Result(due, None)

    async def _record(self, results: list[_Result]) -> None:
        now = self._clock()
        after: list[Callable[[], None]] = []
        sent = [r.due.row for r in results if r.due.outgoing is not None and r.error is None]
        async with self._db.transaction() as conn:
            await self._record_sent(conn, sent, now)
            for result in results:
                if result.due.outgoing is None or result.error is not None:
                    after.extend(await self._record_one(conn, result, now))
        for row in sent:
            created = as_utc(row.created_at)
            self._metrics.sent.labels(row.channel, row.template, row.language).inc()
            self._metrics.latency.observe(max(0.0, (now - created).total_seconds()))
        for callback in after:
            callback()

    async def _record_sent(self, conn: AsyncConnection, rows: list[Any], now: dt.datetime) -> None:
        """The common case, written with one statement per table for the whole round."""
        if not rows:
            return
        await conn.execute(
            update(store.deliveries)
            .where(store.deliveries.c.id == bindparam("delivery_id"))
            .values(status=Status.SENT, attempts=bindparam("tries"), sent_at=now, last_error=None),
            [{"delivery_id": r.id, "tries": r.attempts + 1} for r in rows],
        )
        events = []
        for row in rows:
            delivered = NotificationDelivered(
                delivery_id=row.id,
                subject=row.subject,
                channel=row.channel,
                template=row.template,
                language=row.language,
                attempts=row.attempts + 1,
                sent_at=now,
            )
            event = new_event(EventType.NOTIFICATION_DELIVERED, SOURCE, row.subject, delivered, now)
            events.append((NOTIFICATIONS, event))
        await enqueue_many(conn, store.outbox, events)

    async def _record_one(
        self, conn: AsyncConnection, result: _Result, now: dt.datetime
    ) -> list[Callable[[], None]]:
        row, outgoing = result.due.row, result.due.outgoing
        where = store.deliveries.c.id == row.id
        if outgoing is None:
            if result.due.hold_until is not None:  # quiet hours: wait for the morning
                await conn.execute(
                    update(store.deliveries)
                    .where(where)
                    .values(next_attempt_at=result.due.hold_until)
                )
            else:
                await conn.execute(
                    update(store.deliveries).where(where).values(status=Status.SUPPRESSED)
                )
            return []
        attempts = row.attempts + 1
        assert result.error is not None
        error = result.error
        if error.retryable and attempts < self._max_attempts:
            delay = dt.timedelta(seconds=backoff_seconds(attempts))
            await conn.execute(
                update(store.deliveries)
                .where(where)
                .values(attempts=attempts, next_attempt_at=now + delay, last_error=error.reason)
            )
            log.info("delivery %s attempt %d failed (%s); retrying", row.id, attempts, error.reason)
            return []
        await conn.execute(
            update(store.deliveries)
            .where(where)
            .values(status=Status.FAILED, attempts=attempts, last_error=error.reason)
        )
        failed = NotificationFailed(
            delivery_id=row.id,
            subject=row.subject,
            channel=row.channel,
            template=row.template,
            language=row.language,
            attempts=attempts,
            reason=error.reason,
            failed_at=now,
        )
        event = new_event(EventType.NOTIFICATION_FAILED, SOURCE, row.subject, failed, now)
        await enqueue(conn, store.outbox, NOTIFICATIONS, event)
        headers = dead_letter_headers("notifications", error.reason, "deliveries", 0, attempts)
        await enqueue(conn, store.outbox, DEADLETTER, event, headers)
        log.warning("delivery %s given up after %d attempts: %s", row.id, attempts, error.reason)
        label = "refused" if not error.retryable else "exhausted"
        return [lambda: self._metrics.failed.labels(row.channel, label).inc()]

    async def _measure_pending(self) -> None:
        async with self._db.reading() as conn:
            count = await conn.scalar(
                select(func.count())
                .select_from(store.deliveries)
                .where(store.deliveries.c.status == Status.PENDING)
            )
        self._metrics.pending.set(count or 0)
