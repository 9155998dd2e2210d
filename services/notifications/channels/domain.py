"""The channels a message leaves by, what a channel is handed (`Outgoing`), how it refuses
(`SendError`), and how an address is shown to operators (`mask`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from enum import StrEnum

from shared.contracts.common import UpdatesBy

__all__ = ["Channel", "Outgoing", "SendError", "mask", "retry_after_seconds"]


class Channel(StrEnum):
    """A way a message leaves: the resident's `UpdatesBy` but for NONE (`of`), which is the
    only place one becomes the other."""

    SMS = "sms"
    EMAIL = "email"

    @classmethod
    def of(cls, updates_by: UpdatesBy | str) -> Channel | None:
        """The channel of a resident's choice of updates, None for no updates."""
        chosen = UpdatesBy(updates_by)
        return None if chosen is UpdatesBy.NONE else cls(chosen.value)


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A message as a channel sends it."""

    delivery_id: str  # the idempotency key: a retry of this message carries the same one
    channel: Channel
    address: str
    subject: str  # what the delivery is about: reference number or visit id
    text: str  # the SMS, or the e-mail body
    email_subject: str
    unsubscribe_url: str | None = None  # visit e-mails: List-Unsubscribe, one click


class SendError(Exception):
    """The channel refused or failed; `reason` is short and has no personal information."""

    def __init__(
        self, reason: str, retryable: bool = True, retry_after: float | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable
        self.retry_after = retry_after  # seconds the channel asked us to wait, if it said


def retry_after_seconds(value: str | None, now: dt.datetime) -> float | None:
    """An HTTP `Retry-After` (seconds, or a date) as seconds from `now`, at most an hour;
    None when absent or unreadable."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return min(3600.0, float(text))
    try:
        at = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return min(3600.0, max(0.0, (at - now).total_seconds()))


def mask(address: str | None) -> str | None:
    """Enough of an address for an operator to tell which it is, not enough to use it."""
    if address is None:
        return None
    if "@" in address:
        name, _, domain = address.partition("@")
        return f"{name[:1]}***@{domain}"
    return f"{address[:3]}*****{address[-4:]}"
