"""Sends due deliveries: quiet hours and STOP respected, at the gateway's pace (`Pace`), each
outcome recorded as it completes (handlers.py says how, and how failures are retried).

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
import time
import uuid
from collections.abc import Callable, Mapping, Sequence

from services.notifications.channels.adapters import Sender
from services.notifications.channels.domain import Channel, Outgoing, SendError
from services.notifications.deliveries.domain import (
    Due,
    Hold,
    Outcome,
    QuietHours,
    Release,
    Send,
    Suppress,
)
from services.notifications.deliveries.handlers import (
    Claim,
    Pending,
    RecordOutcomes,
    claim_due,
    count_pending,
    record_outcomes,
)
from services.notifications.deps import NotificationsDeps
from services.notifications.messages.domain import compose, with_follow_up
from shared.background import Woken
from shared.group_commit import GroupCommit
from shared.store import Database

__all__ = ["Dispatcher", "Pace", "Slots"]

log = logging.getLogger(__name__)


class Dispatcher(Woken):
    """Claims due deliveries as sending slots free up, sends each (at the gateway's pace), and
    records each outcome as it completes (shared/group_commit.py). A slot is held from the
    claim until the outcome is in the store, so after a kill -9 at most `concurrency` messages
    can go out again; a lease lasts longer than one send can take (the timeout, the pace and a
    margin), and an outcome is recorded only while the lease is still this dispatcher's."""

    def __init__(
        self,
        db: Database,
        deps: NotificationsDeps,
        senders: Mapping[Channel, Sender],
        quiet_hours: QuietHours,
        woken: asyncio.Event,
        *,
        send_timeout: float = 15.0,
        sms_per_second: float = 0.0,
        rounds_of: int = 2,
        concurrency: int = 50,
        record_group: int = 50,
        poll_seconds: float = 0.5,
    ) -> None:
        self._db = db
        self._deps = deps
        self._senders = senders
        self._clock = deps.clock
        self._quiet = quiet_hours
        self._metrics = deps.metrics
        self._owner = str(uuid.uuid4())
        self._recorder = GroupCommit(self._record, record_group)
        self._timeout = send_timeout
        self._pace = Pace(sms_per_second)
        # A round is a few waves of sends: its lease (all of them timing out) stays short, so
        # after a crash what was claimed and not sent waits a minute, not several.
        self._batch_size = rounds_of * concurrency
        self._slots = Slots(concurrency)
        self._poll = poll_seconds
        super().__init__("dispatcher", woken)  # woken by deps.wake, after a use case's commit
        self._sending = asyncio.Lock()

    async def _release(self) -> None:
        for sender in self._senders.values():
            await sender.close()

    async def _record(self, outcomes: Sequence[Outcome]) -> None:
        command = RecordOutcomes(outcomes, self._owner, lock=not self._db.is_sqlite)
        await record_outcomes(command, self._db, self._deps)

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
        found = await count_pending(Pending(leased_at=self._clock()), self._db, self._deps)
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
            self._metrics.pending.set(await count_pending(Pending(), self._db, self._deps))
        return len(claimed)

    async def _claim(self, most: int) -> list[tuple[Due, Send | Suppress | Hold]]:
        command = Claim(most, self._owner, self._lease, self._quiet, lock=not self._db.is_sqlite)
        return await claim_due(command, self._db, self._deps)

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
        service = self._deps.catalogue.find(due.facts.service) if due.facts.service else None
        message = compose(due.template, due.language, due.facts, service)
        if due.facts.reference and self._deps.follow_up_url:  # a message about a request
            message = with_follow_up(
                message, due.language, due.facts.reference, self._deps.follow_up_url
            )
        outgoing = Outgoing(
            delivery_id=due.id,
            channel=due.channel,
            address=due.address,
            subject=due.subject,
            text=message.sms if due.channel is Channel.SMS else message.body,
            email_subject=message.email_subject,
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


class Slots:
    """At most `size` deliveries between being claimed and having their outcome recorded."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._free = size
        self._changed = asyncio.Condition()

    @property
    def busy(self) -> int:
        return self.size - self._free

    async def take(self) -> None:
        """Waits for a free slot and takes it."""
        async with self._changed:
            await self._changed.wait_for(lambda: self._free > 0)
            self._free -= 1

    async def give(self) -> None:
        async with self._changed:
            self._free += 1
            self._changed.notify_all()


class Pace:
    """Spaces sends at least `1 / per_second` apart (no limit when `per_second` is 0), and
    holds every send back while the gateway asked us to wait (`pause`).

    Sends take their turn one at a time and the next turn is counted from when this one
    really went: slots booked in advance would bunch up behind a late wake-up (a busy
    event loop), and the gateway would see more than its pace in that second."""

    def __init__(self, per_second: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._interval = 1.0 / per_second if per_second > 0 else 0.0
        self._clock = clock
        self._next = 0.0
        self._paused_until = 0.0
        self._turn = asyncio.Lock()

    def pause(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, self._clock() + seconds)

    def time_for(self, count: int) -> float:
        """The longest `count` sends can be held back from now: spaced, and any pause."""
        return count * self._interval + max(0.0, self._paused_until - self._clock())

    async def wait(self) -> None:
        """Returns when this send may go."""
        async with self._turn:
            # A pause may begin while this one sleeps: look again when it wakes.
            while (delay := max(self._next, self._paused_until) - self._clock()) > 0:  # noqa: ASYNC110
                await asyncio.sleep(delay)
            self._next = self._clock() + self._interval
