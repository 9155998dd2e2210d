"""Waiting between retries of something that failed for reasons outside this process (a
broker or a store unreachable): doubling from half a second to ten, with jitter so replicas
that failed together do not all come back in the same instant."""

from __future__ import annotations

import random

__all__ = ["Backoff"]


class Backoff:
    def __init__(self, first: float = 0.5, ceiling: float = 10.0) -> None:
        self._first = first
        self._ceiling = ceiling
        self.failures = 0

    def next(self) -> float:
        """Seconds to wait after one more failure."""
        self.failures += 1
        delay = min(self._ceiling, self._first * 2.0**self.failures)
        return float(delay * random.uniform(0.5, 1.0))

    def reset(self) -> None:
        self.failures = 0
