"""A service's background parts (outbox relay, consumers' start, dispatcher, purges) each run
one coroutine between the app's start and stop; this is that, written once."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Protocol

__all__ = ["Background", "Woken", "Worker", "every"]


class Worker(Protocol):
    """What the app's lifespan starts after the store is ready and stops before it closes."""

    def start(self) -> None: ...

    async def stop(self) -> None: ...


class Background:
    """`run()` as a named task from `start()` until `stop()` cancels it."""

    def __init__(self, name: str, run: Callable[[], Coroutine[Any, Any, None]]) -> None:
        self.name = name
        self._run = run
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None


class Woken:
    """A part that runs `_run()` from `start()` until `stop()`, then lets go of what it holds
    (`_release`); `wake()` sets `_wake`, which `_run` waits on between rounds (the outbox
    relay, woken after a commit; the dispatcher, after a use case staged a delivery)."""

    def __init__(self, name: str, woken: asyncio.Event | None = None) -> None:
        self._wake = woken or asyncio.Event()
        self._loop = Background(name, self._run)

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()
        await self._release()

    async def _run(self) -> None:
        raise NotImplementedError

    async def _release(self) -> None:
        """What it holds, let go of once stopped (a connection, say)."""


def every(
    seconds: float, action: Callable[[], Awaitable[object]], name: str, log: logging.Logger
) -> Background:
    """`action` now and then every `seconds`; a failed round is logged and the next one tried
    (a store that is down for a while must not end the schedule)."""

    async def run() -> None:
        while True:
            try:
                await action()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("%s: this round failed; trying again in %.0fs", name, seconds)
            with contextlib.suppress(TimeoutError):
                await asyncio.sleep(seconds)

    return Background(name, run)
