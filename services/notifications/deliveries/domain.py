"""Deliveries' pure rules: a delivery's states, quiet hours, what to do with a due delivery,
when to retry and when to give up; and a delivery as it is made, claimed and ended."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from services.notifications.channels.domain import Channel, SendError
from services.notifications.messages.domain import MessageFacts
from services.notifications.messages.texts import Template
from shared.clock import CAPE_TOWN
from shared.contracts.common import Language

__all__ = [
    "RETRY_CAP_SECONDS",
    "DeliveryStatus",
    "Due",
    "GiveUp",
    "Hold",
    "NewDelivery",
    "Outcome",
    "QuietHours",
    "Release",
    "Retry",
    "RetryPolicy",
    "Send",
    "Suppress",
    "after_failure",
    "backoff_seconds",
    "what_to_do",
]


RETRY_CAP_SECONDS: Final = 300.0  # the longest wait between two tries of one message


class DeliveryStatus(StrEnum):
    AWAITING_CONTACT = "awaiting_contact"  # the resident's request.logged has not come yet
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    SUPPRESSED = "suppressed"  # opted out (STOP), or asked for no updates


@dataclass(frozen=True, slots=True)
class QuietHours:
    """No SMS between `start` and `end`, local time (a window may cross midnight)."""

    start: dt.time | None
    end: dt.time | None

    @classmethod
    def parse(cls, text: str) -> QuietHours:
        """`20:00-07:00`, or `off`."""
        if text.strip().lower() == "off":
            return cls(None, None)
        try:
            start, end = (dt.time.fromisoformat(part.strip()) for part in text.split("-"))
        except ValueError:
            raise ValueError("must be HH:MM-HH:MM (e.g. 20:00-07:00) or off") from None
        if start == end:
            raise ValueError("start and end must differ (use off to disable)")
        return cls(start, end)

    def next_allowed(self, now: dt.datetime) -> dt.datetime:
        """`now` if an SMS may go now, else when the quiet window ends."""
        if self.start is None or self.end is None:
            return now
        local = now.astimezone(CAPE_TOWN)
        clock = local.time()
        crosses_midnight = self.start > self.end
        quiet = (
            (clock >= self.start or clock < self.end)
            if crosses_midnight
            else self.start <= clock < self.end
        )
        if not quiet:
            return now
        day = local.date()
        if crosses_midnight and clock >= self.start:
            day += dt.timedelta(days=1)
        return dt.datetime.combine(day, self.end, tzinfo=CAPE_TOWN).astimezone(now.tzinfo)


def backoff_seconds(
    attempt: int, rng: random.Random | None = None, cap: float = RETRY_CAP_SECONDS
) -> float:
    """Exponential from 2 s up to `cap`, with jitter so retries of many deliveries after a
    gateway outage do not arrive together."""
    ceiling = min(cap, 2.0 * 2 ** min(30, max(0, attempt - 1)))
    return (rng or random).uniform(ceiling / 2, ceiling)


@dataclass(frozen=True, slots=True)
class Send:
    pass


@dataclass(frozen=True, slots=True)
class Suppress:
    """The number sent STOP: the message is never sent."""


@dataclass(frozen=True, slots=True)
class Hold:
    until: dt.datetime  # quiet hours end


def what_to_do(
    channel: Channel,
    address: str,
    stopped: set[str],
    quiet: QuietHours,
    now: dt.datetime,
    *,
    asked: bool = False,
) -> Send | Suppress | Hold:
    """For a delivery that is due now. E-mail waits for nobody: only SMS wakes a phone. An
    answer to what the resident just `asked` by SMS goes at once, even to a number that said
    STOP: it is not news they stopped, and they are awake."""
    if channel is Channel.SMS and not asked:
        if address in stopped:
            return Suppress()
        allowed = quiet.next_allowed(now)
        if allowed > now:
            return Hold(allowed)
    return Send()


@dataclass(frozen=True, slots=True)
class Retry:
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class GiveUp:
    outcome: str  # refused (the channel said never) or exhausted (out of attempts)


def after_failure(
    attempts: int,
    retryable: bool,
    now: dt.datetime,
    deadline: dt.datetime,
    *,
    max_attempts: int | None = None,
    retry_after: float | None = None,
    cap: float = RETRY_CAP_SECONDS,
) -> Retry | GiveUp:
    """After the `attempts`-th try failed. Retried by time: until `deadline` (the first
    try plus the retry budget), never sooner than the gateway's `Retry-After`; a count
    (`max_attempts`) only where one is set."""
    if not retryable:
        return GiveUp("refused")
    if now >= deadline or (max_attempts is not None and attempts >= max_attempts):
        return GiveUp("exhausted")
    wait = max(backoff_seconds(attempts, cap=cap), retry_after or 0.0)
    return Retry(min(now + dt.timedelta(seconds=wait), deadline))


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How long a failed message is tried again (settings: retry budget, cap, attempts)."""

    budget: dt.timedelta = dt.timedelta(hours=6)
    cap_seconds: float = RETRY_CAP_SECONDS
    max_attempts: int | None = None


@dataclass(frozen=True, slots=True)
class NewDelivery:
    event_id: str
    subject: str  # reference number or visit id
    template: Template
    facts: MessageFacts
    status: DeliveryStatus
    channel: Channel | None = None  # None until the resident's contact details are known
    address: str | None = None
    language: Language | None = None
    not_before: dt.datetime | None = None  # a reminder waits for its day


@dataclass(frozen=True, slots=True)
class Due:
    """A delivery claimed for sending."""

    id: str  # also the channel's idempotency key
    subject: str
    template: Template
    facts: MessageFacts
    channel: Channel
    address: str
    language: Language
    attempts: int
    created_at: dt.datetime
    lease_until: dt.datetime
    first_attempt_at: dt.datetime | None = None  # none until a try failed


@dataclass(frozen=True, slots=True)
class Release:
    """Not tried: its lease would end before the send could (a long pause for the gateway)."""


@dataclass(frozen=True, slots=True)
class Outcome:
    due: Due
    action: Send | Suppress | Hold | Release
    error: SendError | None = None
