"""Notifications' pure rules: quiet hours, retry backoff, and which message an event means."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Final

from services.notifications.texts import Template
from shared.clock import CAPE_TOWN
from shared.contracts.common import RequestStatus

__all__ = ["CAPE_TOWN", "QuietHours", "backoff_seconds", "status_template"]


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


def backoff_seconds(attempt: int, rng: random.Random | None = None) -> float:
    """Exponential from 2 s, capped at 10 minutes, with full jitter so retries of many
    deliveries after a gateway outage do not arrive together."""
    ceiling = min(600.0, 2.0 * 2 ** max(0, attempt - 1))
    return (rng or random).uniform(ceiling / 2, ceiling)


_STATUS_TEMPLATES: Final = {
    RequestStatus.ACKNOWLEDGED: Template.ACKNOWLEDGED,
    RequestStatus.RESOLVED: Template.RESOLVED,
    RequestStatus.CLOSED: Template.CLOSED,
}


def status_template(status: RequestStatus) -> Template | None:
    """The message a department's progress report means to the resident, if any (starting
    work or reopening is not worth an SMS the resident pays attention to)."""
    return _STATUS_TEMPLATES.get(status)
