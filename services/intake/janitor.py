"""Forgets what intake no longer needs: Idempotency-Key records older than a day. A field app
retries within minutes; keeping a hash of every body for ever serves no one (POPIA s14)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Callable

from sqlalchemy import delete

from services.intake import store
from shared.store import Database

__all__ = ["IDEMPOTENCY_TTL", "Janitor"]

log = logging.getLogger(__name__)
IDEMPOTENCY_TTL = dt.timedelta(hours=24)


class Janitor:
    def __init__(
        self, db: Database, clock: Callable[[], dt.datetime], every_seconds: float = 3600
    ) -> None:
        self._db = db
        self._clock = clock
        self._every = every_seconds
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="janitor")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def purge(self) -> int:
        cutoff = self._clock() - IDEMPOTENCY_TTL
        async with self._db.transaction() as conn:
            result = await conn.execute(
                delete(store.idempotency_keys).where(store.idempotency_keys.c.created_at < cutoff)
            )
        return int(result.rowcount or 0)

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(Exception):
                if purged := await self.purge():
                    log.info("forgot %d idempotency keys older than %s", purged, IDEMPOTENCY_TTL)
            await asyncio.sleep(self._every)
