"""Sends due deliveries: quiet hours and STOP respected, at the gateway's pace, each outcome
recorded as it completes (outcomes.py says how, and how failures are retried).

Repeats after a crash are bounded by what was truly in flight: a delivery holds a sending slot
from its claim until its outcome is in the store, so after a kill -9 at most `concurrency`
messages had been handed to a channel without their outcome recorded. They go again when their
lease ends, with the same delivery id as their idempotency key (HTTP header for the SMS
gateway, Message-ID for e-mail): a gateway that honours it sends each once; one that does not
sends at most `concurrency` of them twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import uuid
from collections.abc import Callable, Mapping

from services.notifications import delivery_store, store
from services.notifications.channels import Outgoing, Sender, SendError
from services.notifications.delivery_store import Due
from services.notifications.domain import (
    RETRY_CAP_SECONDS,
    Channel,
    Hold,
    QuietHours,
    Send,
    Suppress,
    what_to_do,
)
from services.notifications.messages import compose
from services.notifications.outcomes import NotificationMetrics, Outcome, Outcomes, Release
from services.notifications.pacing import Pace, Slots
from shared.background import Background
from shared.group_commit import GroupCommit
from shared.identifiers import IdentifierKey
from shared.store import Database

__all__ = ["Dispatcher", "NotificationMetrics"]

log = logging.getLogger(__name__)


class Dispatcher:
    """Claims due deliveries as sending slots free up, sends each (at the gateway's pace), and
    records each outcome as it completes (shared/group_commit.py). A slot is held from the
    claim until the outcome is in the store, so after a kill -9 at most `concurrency` messages
    can go out again; a lease lasts longer than one send can take (the timeout, the pace and a
    margin), and an outcome is recorded only while the lease is still this dispatcher's."""

    def __init__(
        self,
        db: Database,
        senders: Mapping[Channel, Sender],
        clock: Callable[[], dt.datetime],
        quiet_hours: QuietHours,
        metrics: NotificationMetrics,
        identifiers: IdentifierKey,
        *,
        retry_budget: dt.timedelta = dt.timedelta(hours=6),
        retry_cap_seconds: float = RETRY_CAP_SECONDS,
        max_attempts: int | None = None,
        send_timeout: float = 15.0,
        sms_per_second: float = 0.0,
        rounds_of: int = 2,
        concurrency: int = 50,
        record_group: int = 50,
        poll_seconds: float = 0.5,
    ) -> None:
        self._db = db
        self._senders = senders
        self._clock = clock
        self._identifiers = identifiers
        self._quiet = quiet_hours
        self._metrics = metrics
        self._owner = str(uuid.uuid4())
        outcomes = Outcomes(
            db,
            clock,
            metrics,
            self._owner,
            retry_budget=retry_budget,
            retry_cap_seconds=retry_cap_seconds,
            max_attempts=max_attempts,
        )
        self._recorder = GroupCommit(outcomes.record, record_group)
        self._timeout = send_timeout
        self._pace = Pace(sms_per_second)
        # A round is a few waves of sends: its lease (all of them timing out) stays short, so
        # after a crash what was claimed and not sent waits a minute, not several.
        self._batch_size = rounds_of * concurrency
        self._slots = Slots(concurrency)
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
        await self._count_in_flight()
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

    async def _count_in_flight(self) -> None:
        async with self._db.reading() as conn:
            found = await delivery_store.count_pending(conn, leased_at=self._clock())
        self._metrics.in_flight_at_start.set(found)
        if found:
            log.warning(
                "dispatcher: %d deliveries were claimed and not recorded when a dispatcher "
                "stopped; they go again when their lease ends. At most %d of them had been "
                "handed to a channel, so a gateway that ignores Idempotency-Key may send "
                "that many twice",
                found,
                min(found, self._slots.size),
            )

    def _lease(self, count: int) -> dt.timedelta:
        """Longer than a round of `count` can take from now: each send ends within the
        timeout and `concurrency` go at once, the pace spaces them, 30 s covers recording."""
        waves = -(-count // self._slots.size)
        return dt.timedelta(seconds=waves * self._timeout + self._pace.time_for(count) + 30)

    async def dispatch_due(self) -> int:
        """One round: claims what is due (up to `batch_size`) and sends it, each send holding
        a slot until its outcome is recorded; returns once all are, with how many. Rounds do
        not overlap, so a resident's messages go in the order they were due."""
        async with self._sending:
            claimed = await self._claim(self._batch_size)
            sending: list[asyncio.Task[None]] = []
            for due, action in claimed:
                await self._slots.take()
                sending.append(asyncio.create_task(self._handle(due, action)))
            await asyncio.gather(*sending)
        if not claimed:
            async with self._db.reading() as conn:
                self._metrics.pending.set(await delivery_store.count_pending(conn))
        return len(claimed)

    async def _claim(self, most: int) -> list[tuple[Due, Send | Suppress | Hold]]:
        now = self._clock()
        async with self._db.transaction() as conn:
            claimed = await delivery_store.claim_due(
                conn, now, lambda n: now + self._lease(n), most, not self._db.is_sqlite, self._owner
            )
            phones = [d.address for d in claimed if d.channel is Channel.SMS]
            stopped = (
                await store.stopped_among(conn, self._identifiers, phones) if phones else set()
            )
        return [(d, what_to_do(d.channel, d.address, stopped, self._quiet, now)) for d in claimed]

    async def _handle(self, due: Due, action: Send | Suppress | Hold) -> None:
        try:
            await self._recorder.record(await self._send(due, action))
        except Exception:  # the store failed: the delivery goes again when its lease ends
            log.exception("dispatcher: delivery %s's outcome could not be recorded", due.id)
        finally:
            await self._slots.give()

    async def _send(self, due: Due, action: Send | Suppress | Hold) -> Outcome:
        if not isinstance(action, Send):
            return Outcome(due, action)
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
        if due.channel is Channel.SMS:
            await self._pace.wait()
        if self._clock() + dt.timedelta(seconds=self._timeout) > due.lease_until:
            return Outcome(due, Release())
        try:
            await self._senders[due.channel].send(outgoing)
        except SendError as exc:
            if exc.retry_after and due.channel is Channel.SMS:
                self._pace.pause(exc.retry_after)  # the gateway's wait holds every SMS
            return Outcome(due, action, exc)
        except Exception as exc:  # a bug in a channel must not stop the others
            log.exception("dispatcher: %s channel failed unexpectedly", due.channel)
            return Outcome(due, action, SendError(f"unexpected {type(exc).__name__}"))
        return Outcome(due, action)
