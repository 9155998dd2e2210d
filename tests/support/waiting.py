"""Waiting for what happens a moment later: another process, a consumer, a gateway. One way
to wait, for a test in a thread (`eventually`) and for one in the event loop
(`eventually_async`): poll `check` until it answers something truthy, which is returned, or
fail after `timeout` seconds."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TypeVar

__all__ = ["eventually", "eventually_async"]

T = TypeVar("T")


def eventually(check: Callable[[], T], timeout: float = 30.0, every: float = 0.2) -> T:
    deadline = time.monotonic() + timeout
    while True:
        if result := check():
            return result
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s")
        time.sleep(every)


async def eventually_async(check: Callable[[], T], timeout: float = 30.0, every: float = 0.05) -> T:
    deadline = time.monotonic() + timeout
    while True:
        if result := check():
            return result
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s")
        await asyncio.sleep(every)
