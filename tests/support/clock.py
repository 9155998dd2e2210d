"""A clock a test moves by hand, for the services' `clock` port."""

from __future__ import annotations

import datetime as dt

NOON = dt.datetime(2026, 12, 8, 10, 0, tzinfo=dt.UTC)  # 12:00 in Cape Town


class Clock:
    def __init__(self, now: dt.datetime = NOON) -> None:
        self.start = self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


class WallClock(Clock):
    """The real time, for tests where the backoff, the pace and a peer's outage all run on
    the wall clock."""

    def __call__(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)
