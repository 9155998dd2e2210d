"""The outbox relay: publishes the rows `shared.outbox` staged, in order, then deletes them.
Runs in every service, woken after each commit and by a periodic sweep."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge
from sqlalchemy import Table, delete, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.background import Woken
from shared.backoff import Backoff
from shared.kafka import Publisher
from shared.store import Database

__all__ = ["OutboxRelay"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _Row:
    id: int
    topic: str
    key: str
    value: bytes
    headers: dict[str, str]


class OutboxRelay(Woken):
    """Publishes outbox rows in id order, then deletes them (their values may hold personal
    information, which has no business staying in this store once on the bus).

    Woken after every commit and by a periodic sweep. Safe with several replicas on
    PostgreSQL (rows are claimed with FOR UPDATE SKIP LOCKED); one per SQLite store.
    """

    def __init__(
        self,
        db: Database,
        outbox: Table,
        connect: Callable[[], Awaitable[Publisher]],
        registry: CollectorRegistry,
        service: str,
        sweep_seconds: float = 1.0,
        batch_size: int = 1000,
        coalesce_seconds: float = 0.01,
    ) -> None:
        self._db = db
        self._outbox = outbox
        self._connect = connect
        self._sweep_seconds = sweep_seconds
        self._batch_size = batch_size
        self._coalesce_seconds = coalesce_seconds
        super().__init__("outbox-relay")
        self._draining = asyncio.Lock()  # one drain at a time within a process
        self._publisher: Publisher | None = None
        self.published = Counter(
            f"mo_{service}_outbox_published_total", "Events relayed to Kafka.", registry=registry
        )
        self.backlog = Gauge(
            f"mo_{service}_outbox_backlog",
            "Events committed but not yet on Kafka.",
            registry=registry,
        )
        db.on_commit(self.wake)

    async def _release(self) -> None:
        await self._disconnect()

    async def broker_reachable(self) -> bool:
        return self._publisher is not None and await self._publisher.ping()

    async def _run(self) -> None:
        backoff = Backoff()
        while True:
            # Connect and catch up first: rows left by a crash go out before anything waits.
            self._wake.clear()
            try:
                await self._connected()
                await self.drain()
                backoff.reset()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                delay = backoff.next()
                log.warning("outbox relay: %s; retrying in %.1fs", _describe(exc), delay)
                await self._disconnect()
                await asyncio.sleep(delay)
                continue
            # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._sweep_seconds):
                    await self._wake.wait()
            # Let the commits of a burst gather so one batch carries them all.
            await asyncio.sleep(self._coalesce_seconds)

    async def drain(self) -> int:
        """Publish everything pending; returns how many events went out."""
        total = 0
        async with self._draining:
            while True:
                sent = await self._relay_batch()
                total += sent
                if sent < self._batch_size:
                    await self._measure_backlog()
                    return total

    async def _relay_batch(self) -> int:
        if self._db.is_sqlite:
            # One relay per SQLite store: read, publish, then delete under the write lock.
            async with self._db.reading() as conn:
                rows = await self._claim(conn, lock=False)
            if rows:
                await self._publish(rows)
                async with self._db.transaction() as conn:
                    await self._delete(conn, rows)
        else:
            async with self._db.engine.begin() as conn:
                rows = await self._claim(conn, lock=True)
                if rows:
                    await self._publish(rows)
                    await self._delete(conn, rows)
        self.published.inc(len(rows))
        return len(rows)

    async def _claim(self, conn: AsyncConnection, lock: bool) -> list[_Row]:
        c = self._outbox.c  # not created_at: a time to convert per row that nobody reads
        query = (
            select(c.id, c.topic, c.key, c.value, c.headers).order_by(c.id).limit(self._batch_size)
        )
        if lock:
            query = query.with_for_update(skip_locked=True)
        result = await conn.execute(query)
        return [_Row(r.id, r.topic, r.key, r.value, r.headers) for r in result]

    async def _publish(self, rows: list[_Row]) -> None:
        producer = await self._connected()
        # Sends are queued in id order; the idempotent producer keeps that order per partition.
        futures = [
            await producer.send(
                row.topic,
                value=row.value,
                key=row.key.encode(),
                headers=[(k, v.encode()) for k, v in row.headers.items()],
            )
            for row in rows
        ]
        await asyncio.gather(*futures)

    async def _delete(self, conn: AsyncConnection, rows: list[_Row]) -> None:
        await conn.execute(delete(self._outbox).where(self._outbox.c.id.in_([r.id for r in rows])))

    async def _measure_backlog(self) -> None:
        async with self._db.reading() as conn:
            count = await conn.scalar(select(func.count()).select_from(self._outbox))
        self.backlog.set(count or 0)

    async def _connected(self) -> Publisher:
        if self._publisher is None:
            self._publisher = await self._connect()
            log.info("outbox relay connected to the broker")
        return self._publisher

    async def _disconnect(self) -> None:
        publisher, self._publisher = self._publisher, None
        if publisher is not None:
            try:
                await publisher.stop()
            except Exception as exc:
                log.debug("closing the publisher: %s", _describe(exc))


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
