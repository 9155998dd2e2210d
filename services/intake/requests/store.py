"""New requests' writes, several to a transaction (group commit, shared/group_commit.py): a
group only writes (each leased number marked used, then the rows of every table in one
statement each). If anything in it collides (a key or a leased number taken by a concurrent
request, a reference drawn twice), the group rolls back and each of its requests is written
alone (`RequestWriter.write_alone`), checked again inside its own transaction.

Why: on SQLite one transaction writes at a time, and each statement is a round trip to the
driver's thread while the others wait: a request alone holds the writer for six, a group for
about five in all (docs/benchmarks.md measures it)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from services.intake.devices.store import use_lease
from services.intake.requests.domain import Staged, key_row, request_row
from services.intake.requests.schemas import RequestCreated
from services.intake.store import history, idempotency_keys, requests
from shared.contracts.common import RequestStatus
from shared.group_commit import GroupCommit
from shared.outbox import Outbox
from shared.store import Database

__all__ = [
    "GROUP",
    "Contended",
    "RequestWriter",
    "forget_idempotency_keys",
    "idempotent_reference",
]

log = logging.getLogger(__name__)
_ATTEMPTS = 5  # alone: a reference drawn twice, or a key first used concurrently, try again
GROUP = 32  # requests at most to a transaction

Replay = Callable[[AsyncConnection, Staged], Awaitable[RequestCreated | None]]
"""The first answer again, if the request came before (read inside the write)."""


class Contended(Exception):
    """Something in the group collided: each of its requests is logged alone."""


class RequestWriter:
    """Intake's store for new requests, behind the group commit."""

    def __init__(self, db: Database, outbox: Outbox, most: int = GROUP) -> None:
        self.db = db
        self.outbox = outbox
        self._group: GroupCommit[Staged] = GroupCommit(self._write, most)

    async def write(self, staged: Staged) -> None:
        """Writes `staged` with the others waiting; Contended if the group collided."""
        await self._group.record(staged)

    async def _write(self, group: Sequence[Staged]) -> None:
        try:
            async with self.db.transaction() as conn:
                await _write_rows(conn, self.outbox, group)
        except IntegrityError as exc:
            raise Contended from exc

    async def write_alone(
        self, staged: Staged, replay: Replay, redraw: Callable[[], str]
    ) -> tuple[Staged, RequestCreated | None]:
        """The request in a transaction of its own, checked again inside it: as written
        (with the reference it got), or the first answer again."""
        for attempt in range(_ATTEMPTS):
            try:
                async with self.db.transaction() as conn:
                    answer = await replay(conn, staged)
                    if answer is not None:
                        return staged, answer
                    await _write_rows(conn, self.outbox, [staged])
            except IntegrityError:
                log.info("reference or idempotency key taken concurrently; retry %d", attempt + 1)
                if not staged.leased:  # a reference drawn twice: draw another
                    staged = replace(staged, reference=redraw())
                continue
            except Contended:
                continue  # the leased number was taken meanwhile: look again
            return staged, None
        raise RuntimeError(f"could not store the request after {_ATTEMPTS} attempts")


async def _write_rows(conn: AsyncConnection, outbox: Outbox, group: Sequence[Staged]) -> None:
    for staged in group:
        if staged.leased and not await use_lease(
            conn, staged.reference, staged.body_sha256, staged.now
        ):
            raise Contended  # taken meanwhile: alone, it is answered again or refused
    await _insert_requests(conn, [request_row(s) for s in group])
    await _record_idempotency_keys(conn, [key_row(s) for s in group if s.key is not None])
    events = [outbox.event(s.event, subject=s.reference, at=s.now) for s in group]
    await outbox.stage_events(conn, events, at=max(s.now for s in group))


# Built once: every logged request asks it, and building it cost a tenth of intake's time.
_KEY_LOOKUP = select(idempotency_keys.c.body_sha256, idempotency_keys.c.reference).where(
    idempotency_keys.c.agent == bindparam("agent"), idempotency_keys.c.key == bindparam("key")
)


async def idempotent_reference(
    conn: AsyncConnection, agent: str, key: str
) -> tuple[str, str] | None:
    """(body hash, reference) recorded for this agent's key, if any."""
    row = (await conn.execute(_KEY_LOOKUP, {"agent": agent, "key": key})).one_or_none()
    return None if row is None else (row.body_sha256, row.reference)


async def _insert_requests(conn: AsyncConnection, rows: Sequence[dict[str, Any]]) -> None:
    """New requests (rows of `requests`, status logged) and the first step of each history,
    two statements whatever their number."""
    await conn.execute(insert(requests), list(rows))
    logged = RequestStatus.LOGGED.value
    steps = [{"reference": r["reference"], "status": logged, "at": r["created_at"]} for r in rows]
    await conn.execute(insert(history), steps)


async def _record_idempotency_keys(conn: AsyncConnection, rows: Sequence[dict[str, Any]]) -> None:
    """Rows of agent, key, body_sha256, reference, created_at; a key already recorded for the
    agent raises IntegrityError."""
    if rows:
        await conn.execute(insert(idempotency_keys), list(rows))


async def forget_idempotency_keys(conn: AsyncConnection, before: datetime, batch: int) -> int:
    """A retry's key is needed a day (IDEMPOTENCY_TTL); a purge rule forgets older ones."""
    k = idempotency_keys.c
    oldest = select(k.agent, k.key).where(k.created_at < before).limit(batch)
    result = await conn.execute(delete(idempotency_keys).where(tuple_(k.agent, k.key).in_(oldest)))
    return int(result.rowcount or 0)
