"""Waiting for a service to answer, for the tools around the services (`make run`, the tests,
the benchmarks): poll a URL until it answers 200, the time runs out, or the process that
should answer has died."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable

__all__ = ["answers", "wait_until_ok"]


def answers(url: str, timeout: float = 2.0) -> bool:
    """Whether `url` answers 200 now."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def wait_until_ok(
    url: str,
    timeout: float = 30.0,
    *,
    alive: Callable[[], bool] = lambda: True,
    interval: float = 0.3,
) -> bool:
    """True once `url` answers 200; False when `timeout` passes or `alive()` turns false."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and alive():
        if answers(url):
            return True
        time.sleep(interval)
    return False
