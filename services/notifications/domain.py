"""Notifications' pure rules: a delivery's states, quiet hours, what to do with a due
delivery, when to retry and when to give up, and which message a department's progress means."""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from services.notifications.texts import Template
from shared.clock import CAPE_TOWN
from shared.contracts.common import RequestStatus
from shared.contracts.routing import Cause

__all__ = [
    "RETRY_CAP_SECONDS",
    "Channel",
    "DeliveryStatus",
    "GiveUp",
    "Hold",
    "QuietHours",
    "Retry",
    "Send",
    "SmsCommand",
    "SubscriptionStatus",
    "Suppress",
    "after_failure",
    "backoff_seconds",
    "mask",
    "not_fixed_reference",
    "status_template",
    "what_to_do",
]


RETRY_CAP_SECONDS: Final = 300.0  # the longest wait between two tries of one message


class DeliveryStatus(StrEnum):
    AWAITING_CONTACT = "awaiting_contact"  # the resident's request.logged has not come yet
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    SUPPRESSED = "suppressed"  # opted out (STOP), or asked for no updates


class SubscriptionStatus(StrEnum):
    PENDING = "pending"  # asked for; nothing about visits is sent until the resident confirms
    CONFIRMED = "confirmed"


class Channel(StrEnum):
    SMS = "sms"
    EMAIL = "email"


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


_STATUS_TEMPLATES: Final = {
    RequestStatus.ACKNOWLEDGED: Template.ACKNOWLEDGED,
    RequestStatus.RESOLVED: Template.RESOLVED,
    RequestStatus.CLOSED: Template.CLOSED,
}


_CAUSE_TEMPLATES: Final = {
    Cause.FIXED: Template.RESOLVED,
    Cause.NO_FURTHER_ACTION: Template.NO_FURTHER_ACTION,
    Cause.NOT_RESPONSIBLE: Template.NOT_RESPONSIBLE,
    Cause.DUPLICATE: Template.DUPLICATE,
    Cause.REFERRED: Template.REFERRED_ON,
}


def status_template(
    status: RequestStatus, cause: Cause | None = None, previous: RequestStatus | None = None
) -> Template | None:
    """The message a department's progress report means to the resident, if any (starting
    work or reopening is not worth an SMS the resident pays attention to). Resolving or
    closing says why; closing what was resolved only says it is closed (the why was told)."""
    if status is RequestStatus.IN_PROGRESS and previous is RequestStatus.RESOLVED:
        return Template.REOPENED
    ending = status in (RequestStatus.RESOLVED, RequestStatus.CLOSED)
    if ending and cause is not None and previous is not RequestStatus.RESOLVED:
        return _CAUSE_TEMPLATES[cause]
    return _STATUS_TEMPLATES.get(status)


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
    channel: Channel, address: str, stopped: set[str], quiet: QuietHours, now: dt.datetime
) -> Send | Suppress | Hold:
    """For a delivery that is due now. E-mail waits for nobody: only SMS wakes a phone."""
    if channel is Channel.SMS:
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


class SmsCommand(StrEnum):
    STOP = "STOP"  # every message to the number ends
    STOP_VISITS = "STOP VISITS"  # visit news ends; updates on requests go on
    START = "START"
    YES = "YES"  # confirms the number's pending visit subscriptions
    NOT_FIXED = "NOT FIXED"  # NOT FIXED <reference>: reopen a resolved request

    @classmethod
    def of(cls, text: str) -> SmsCommand | None:
        """What a resident's reply asks for (UNSTOP counts as START), if anything."""
        match = _COMMAND.match(text)
        if match is None:
            return None
        word = " ".join(match.group(1).upper().split())
        return cls.START if word == "UNSTOP" else cls(word)


_COMMAND = re.compile(r"^\s*(STOP\s+VISITS|STOP|START|UNSTOP|YES|NOT\s+FIXED)\b", re.IGNORECASE)
_NOT_FIXED = re.compile(r"^\s*NOT\s+FIXED\W*((?:\d[\s-]*){10})\b", re.IGNORECASE)


def not_fixed_reference(text: str) -> str | None:
    """The reference of a `NOT FIXED 812 345 6789` reply (spaces and dashes allowed)."""
    match = _NOT_FIXED.match(text)
    return re.sub(r"\D", "", match.group(1)) if match else None


def mask(address: str | None) -> str | None:
    """Enough of an address for an operator to tell which it is, not enough to use it."""
    if address is None:
        return None
    if "@" in address:
        name, _, domain = address.partition("@")
        return f"{name[:1]}***@{domain}"
    return f"{address[:3]}*****{address[-4:]}"
