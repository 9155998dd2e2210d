"""What became of each send, recorded with its event (delivered, or failed and dead-lettered)
in one transaction, and only while the delivery's lease is still the recording dispatcher's.
A failed try is retried by time: with backoff and jitter until the retry budget (counted from
the first try) is spent, never sooner than the gateway's `Retry-After`."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from services.notifications.channels.domain import Channel, mask
from services.notifications.deliveries import store
from services.notifications.deliveries.domain import (
    Due,
    GiveUp,
    Hold,
    Outcome,
    QuietHours,
    Release,
    Retry,
    Send,
    Suppress,
    after_failure,
    what_to_do,
)
from services.notifications.deliveries.schemas import SentView
from services.notifications.deps import NotificationsDeps
from services.notifications.inbound.store import stopped_among
from services.notifications.messages.texts import Template
from services.notifications.store import Conn
from services.notifications.updates.store import next_visit
from shared.auth import Caller
from shared.clock import CAPE_TOWN
from shared.contracts.notifications import NotificationDelivered, NotificationFailed
from shared.deadletter import dead_letter_headers
from shared.store import as_utc
from shared.topics import DEADLETTER
from shared.use_case import UnitOfWork

__all__ = [
    "Claim",
    "Pending",
    "ReadSent",
    "RecordOutcomes",
    "claim_due",
    "count_pending",
    "read_sent",
    "record_outcomes",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Claim:
    most: int
    owner: str
    """The dispatcher taking the deliveries: their lease is its own."""
    lease: Callable[[int], dt.timedelta]
    """How long a lease on so many deliveries lasts."""
    quiet: QuietHours
    lock: bool = True
    """Skip rows another replica holds (not on SQLite, which has no row locks)."""


async def claim_due(
    command: Claim, uow: UnitOfWork, deps: NotificationsDeps
) -> list[tuple[Due, Send | Suppress | Hold]]:
    """What is due now (up to `most`), leased to `owner`, each with what to do with it:
    quiet hours and STOP respected."""
    now = deps.clock()
    async with uow.transaction() as conn:
        claimed = await store.claim_due(
            conn, now, lambda n: now + command.lease(n), command.most, command.lock, command.owner
        )
        claimed = [await _with_next_visit(conn, d, now) for d in claimed]
        phones = [d.address for d in claimed if d.channel is Channel.SMS]
        stopped = await stopped_among(conn, deps.identifiers, phones) if phones else set()
    return [
        (
            d,
            what_to_do(
                d.channel,
                d.address,
                stopped,
                command.quiet,
                now,
                asked=d.template is Template.ANSWER,
            ),
        )
        for d in claimed
    ]


async def _with_next_visit(conn: Conn, due: Due, now: dt.datetime) -> Due:
    """A reminder to renew names the next visit to the resident's community as it stands on
    the day it goes out (a year after the approval, visits were not yet planned)."""
    if due.template is not Template.RENEW or not due.facts.community:
        return due
    visit = await next_visit(conn, due.facts.community, now.astimezone(CAPE_TOWN).date())
    if visit is None:
        return due
    where = {k: getattr(visit, k) for k in ("community", "venue", "date", "starts", "ends")}
    return replace(due, template=Template.RENEW_AT, facts=due.facts.model_copy(update=where))


@dataclass(frozen=True, slots=True)
class Pending:
    leased_at: dt.datetime | None = None
    """Only those leased past this time: what a dispatcher was sending when it stopped."""


async def count_pending(command: Pending, uow: UnitOfWork, deps: NotificationsDeps) -> int:
    """Deliveries waiting to be sent."""
    async with uow.reading() as conn:
        return await store.count_pending(conn, leased_at=command.leased_at)


@dataclass(frozen=True, slots=True)
class RecordOutcomes:
    outcomes: Sequence[Outcome]
    owner: str
    """The dispatcher that leased the deliveries: only its leases are recorded over."""
    lock: bool = True
    """Lock the leased rows while recording (not on SQLite, which has no row locks)."""


async def record_outcomes(
    command: RecordOutcomes, uow: UnitOfWork, deps: NotificationsDeps
) -> None:
    """One transaction for a group of outcomes, with their events; an outcome whose
    delivery another dispatcher has taken (its lease ran out) changes nothing and
    publishes nothing."""
    results, owner, now = command.outcomes, command.owner, deps.clock()
    after: list[Callable[[], None]] = []
    async with uow.transaction() as conn:
        leased = await store.still_leased(conn, [r.due.id for r in results], owner, command.lock)
        ours = [r for r in results if r.due.id in leased]
        sent = [r.due for r in ours if isinstance(r.action, Send) and r.error is None]
        await store.mark_sent(conn, sent, now, owner)
        await deps.outbox.stage_all(conn, [(_delivered(d, now), d.subject) for d in sent], at=now)
        for result in ours:
            if isinstance(result.action, Hold):  # quiet hours: wait for the morning
                await store.hold(conn, result.due, result.action.until, owner)
            elif isinstance(result.action, Suppress):
                await store.suppress(conn, result.due, owner)
            elif isinstance(result.action, Release):
                await store.release(conn, result.due, now, owner)
            elif result.error is not None:
                after.extend(await _failed(conn, result, owner, now, deps))
    if len(ours) < len(results):  # the lease ran out and another dispatcher took them
        deps.metrics.late.inc(len(results) - len(ours))
        log.error("dispatcher: %d outcomes came after their lease", len(results) - len(ours))
    for due in sent:
        deps.metrics.sent.labels(due.channel.value, due.template.value, due.language).inc()
        deps.metrics.latency.observe(max(0.0, (now - due.created_at).total_seconds()))
    for callback in after:
        callback()


def _delivered(due: Due, now: dt.datetime) -> NotificationDelivered:
    return NotificationDelivered(
        delivery_id=due.id,
        subject=due.subject,
        channel=due.channel.value,
        template=due.template.value,
        language=due.language.value,
        attempts=due.attempts + 1,
        sent_at=now,
    )


async def _failed(
    conn: Conn, result: Outcome, owner: str, now: dt.datetime, deps: NotificationsDeps
) -> list[Callable[[], None]]:
    due, error, retry = result.due, result.error, deps.retry
    assert error is not None
    attempts = due.attempts + 1
    verdict = after_failure(
        attempts,
        error.retryable,
        now,
        (due.first_attempt_at or now) + retry.budget,
        max_attempts=retry.max_attempts,
        retry_after=error.retry_after,
        cap=retry.cap_seconds,
    )
    if isinstance(verdict, Retry):
        await store.retry_at(conn, due, verdict.at, error.reason, owner, now)
        log.info("delivery %s attempt %d failed (%s); retrying", due.id, attempts, error.reason)
        return []
    assert isinstance(verdict, GiveUp)
    await store.give_up(conn, due, error.reason, owner)
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
    event = await deps.outbox.stage(conn, failed, subject=due.subject, at=now)
    headers = dead_letter_headers("notifications", error.reason, "deliveries", 0, attempts)
    await deps.outbox.stage_events(conn, [event], at=now, topic=DEADLETTER, headers=headers)
    log.warning("delivery %s given up after %d attempts: %s", due.id, attempts, error.reason)
    return [lambda: deps.metrics.failed.labels(due.channel.value, verdict.outcome).inc()]


@dataclass(frozen=True, slots=True)
class ReadSent:
    """An operator's read of what was sent for a request, audited."""

    reference: str
    caller: Caller
    reason: str
    page: Callable[[list[SentView]], list[SentView]]
    """The page of what was found that the operator reads (and the audit counts)."""


async def read_sent(command: ReadSent, uow: UnitOfWork, deps: NotificationsDeps) -> list[SentView]:
    async with uow.transaction() as conn:
        rows = await store.for_subject(conn, command.reference)
        chosen = command.page([_sent_view(r) for r in rows])
        await deps.audit.record(
            conn,
            command.caller,
            "read messages",
            command.reference,
            command.reason,
            deps.clock(),
            len(chosen),
        )
    return chosen


def _sent_view(row: store.Sent) -> SentView:
    return SentView(
        channel=row.channel,
        to=mask(row.address),
        template=row.template,
        language=row.language,
        status=row.status,
        attempts=row.attempts,
        last_error=row.last_error,
        created_at=as_utc(row.created_at),
        sent_at=as_utc(row.sent_at) if row.sent_at else None,
    )
