"""Limits on what one client may try: a client whose guesses keep missing (unknown reference
numbers, say) is asked to wait, so 800 million valid references cannot be walked from one
address. Kept in the process: each replica counts on its own, which still bounds a client to
a few dozen misses a minute per replica. A miss may weigh more than one: a call that asks
for 100 references at once and finds none of them has missed 100 times."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi import Request

from shared.http import ApiError

__all__ = ["MissLimiter", "client_address"]


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@dataclass(eq=False, slots=True)  # eq=False: each limiter is its own, counting its clients
class MissLimiter:
    """A client may miss `misses` times within `per_seconds`, then waits; at most
    `max_clients` are remembered (the idle ones are forgotten first)."""

    misses: int = 30
    per_seconds: float = 60.0
    clock: Callable[[], float] = time.monotonic
    max_clients: int = 10_000
    # The clients it counts are addresses: left out of its repr, so out of any log.
    _seen: dict[str, deque[tuple[float, int]]] = field(default_factory=dict, init=False, repr=False)

    def wait_seconds(self, client: str) -> float:
        """How long `client` must wait before trying again (0: it may try now): until enough
        of its misses, oldest first, have left the window to bring it under the limit."""
        recent = self._recent(client) or deque()
        total = sum(times for _, times in recent)
        for at, times in recent:
            if total < self.misses:
                break
            total -= times
            if total < self.misses:
                return max(0.0, at + self.per_seconds - self.clock())
        return 0.0

    def refuse_if_waiting(self, client: str, code: str, what: str) -> None:
        """A 429 with Retry-After while `client` must wait; `what` says what it did too often."""
        if wait := self.wait_seconds(client):
            seconds = str(math.ceil(wait))
            raise ApiError(
                429, code, f"{what}: try again in {seconds} s", headers={"Retry-After": seconds}
            )

    def missed(self, client: str, times: int = 1) -> None:
        if times <= 0:
            return
        if client not in self._seen and len(self._seen) >= self.max_clients:
            self._forget_idle()
        self._seen.setdefault(client, deque()).append((self.clock(), times))

    def _recent(self, client: str) -> deque[tuple[float, int]] | None:
        recent = self._seen.get(client)
        if recent is None:
            return None
        while recent and recent[0][0] <= self.clock() - self.per_seconds:
            recent.popleft()
        return recent

    def _forget_idle(self) -> None:
        for client in list(self._seen):
            recent = self._recent(client)
            if not recent:
                del self._seen[client]
        if len(self._seen) >= self.max_clients:
            self._seen.clear()  # a flood of addresses: start again rather than grow
