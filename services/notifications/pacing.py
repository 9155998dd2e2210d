"""How fast the dispatcher may go: `Slots`, the sends in flight (each held until its outcome
is recorded, so a crash can repeat at most that many), and `Pace`, the SMS gateway's rate
(messages a second, and a pause when it answers `Retry-After`)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

__all__ = ["Pace", "Slots"]


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
    """Spaces sends `1 / per_second` apart (no limit when `per_second` is 0), and holds
    every send back while the gateway asked us to wait (`pause`)."""

    def __init__(self, per_second: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._interval = 1.0 / per_second if per_second > 0 else 0.0
        self._clock = clock
        self._next = 0.0
        self._paused_until = 0.0

    def pause(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, self._clock() + seconds)

    def time_for(self, count: int) -> float:
        """The longest `count` sends can be held back from now: spaced, and any pause."""
        return count * self._interval + max(0.0, self._paused_until - self._clock())

    async def wait(self) -> None:
        """Returns when this send may go."""
        while True:
            now = self._clock()
            at = max(now, self._next, self._paused_until)
            self._next = at + self._interval
            if at <= now:
                return
            await asyncio.sleep(at - now)
            if self._paused_until <= self._clock():  # no pause began while this one waited
                return
