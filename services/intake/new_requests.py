"""A field agent (or a partner, through Open311) logs a request: the request, its history's
first step, its Idempotency-Key and its `request.logged` outbox row commit together.

Requests are written several to a transaction (group commit, shared/group_commit.py). What can
be checked by reading is checked first, outside the write: a key seen before (the first answer
again), the visit's day, the device's leased number. A group then only writes: each leased
number marked used, then the rows of every table in one statement each. If anything in it
collides (a key or a leased number taken by a concurrent request, a reference drawn twice),
the group rolls back and each of its requests is logged alone, in a transaction of its own,
where the collision is answered as it should be: the first reference again, or a refusal.

Why: on SQLite one transaction writes at a time, and each statement is a round trip to the
driver's thread while the others wait: a request alone holds the writer for six, a group for
about five in all (docs/benchmarks.md measures it).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from services.intake import device_store, store, visits
from services.intake.devices import used_before
from services.intake.domain import IdempotencyConflict, fingerprint, logged_event
from services.intake.handlers import SOURCE, Ports
from services.intake.schemas import NewRequest, RequestCreated
from shared.contracts.common import RequestStatus
from shared.events import new_event
from shared.group_commit import GroupCommit
from shared.outbox import enqueue_many
from shared.store import Database

__all__ = ["Logged", "RequestWriter", "log_request"]

log = logging.getLogger(__name__)
_ATTEMPTS = 5  # alone: a reference drawn twice, or a key first used concurrently, try again
GROUP = 32  # requests at most to a transaction


@dataclass(frozen=True, slots=True)
class Logged:
    response: RequestCreated
    replayed: bool


@dataclass(frozen=True, slots=True)
class _Staged:
    """A request checked and ready to write."""

    reference: str
    command: NewRequest
    agent: str
    key: str | None
    body_sha256: str
    device: str | None
    taken_at: datetime
    now: datetime
    channel: str

    @property
    def leased(self) -> bool:
        """The reference is the device's leased number (the app sent it), to be marked used."""
        return self.command.reference is not None


class _Contended(Exception):
    """Something in the group collided: each of its requests is logged alone."""


class RequestWriter:
    """Intake's store for new requests, behind the group commit."""

    def __init__(self, db: Database, most: int = GROUP) -> None:
        self.db = db
        self._group: GroupCommit[_Staged] = GroupCommit(self._write, most)

    async def write(self, staged: _Staged) -> None:
        await self._group.record(staged)

    async def _write(self, group: Sequence[_Staged]) -> None:
        try:
            async with self.db.transaction() as conn:
                await _write_rows(conn, group)
        except IntegrityError as exc:
            raise _Contended from exc


async def _write_rows(conn: AsyncConnection, group: Sequence[_Staged]) -> None:
    for staged in group:
        if staged.leased and not await device_store.use_lease(
            conn, staged.reference, staged.body_sha256, staged.now
        ):
            raise _Contended  # taken meanwhile: alone, it is answered again or refused
    await store.insert_requests(conn, [_request_row(s) for s in group])
    await store.record_idempotency_keys(conn, [_key_row(s) for s in group if s.key is not None])
    events = [
        new_event(
            logged_event(s.reference, s.command, s.agent, s.taken_at), SOURCE, s.reference, s.now
        )
        for s in group
    ]
    await enqueue_many(conn, store.outbox, events)


async def log_request(
    writer: RequestWriter,
    command: NewRequest,
    agent: str,
    idempotency_key: str | None,
    ports: Ports,
    device: str | None = None,
    channel: str = "mobile-office",
) -> Logged:
    """Record the request and stage its `request.logged` event in one transaction.

    A repeated Idempotency-Key with the same body answers with the first reference and
    stages nothing; with another body it is refused. A `reference` the field app sends must
    be leased to its `device` (see devices.used_before)."""
    body_sha256 = fingerprint(command)
    async with writer.db.reading() as conn:
        seen = await _seen(conn, command, agent, idempotency_key, body_sha256, device)
        if seen is not None:
            return Logged(await _replay(conn, seen, body_sha256), replayed=True)
        now = ports.clock()
        taken_at = await visits.taken_at(conn, command, now)
    staged = _Staged(
        reference=command.reference or ports.new_reference(),
        command=command,
        agent=agent,
        key=idempotency_key,
        body_sha256=body_sha256,
        device=device,
        taken_at=taken_at,
        now=now,
        channel=channel,
    )
    try:
        await writer.write(staged)
    except _Contended:
        return await _log_alone(writer.db, staged, ports)
    return _logged(staged)


async def _seen(
    conn: AsyncConnection,
    command: NewRequest,
    agent: str,
    key: str | None,
    body_sha256: str,
    device: str | None,
) -> tuple[str, str] | None:
    """(body hash, reference) of this request if it came before, by its key or its leased
    number; refusals for a key or a number used with another body, or not the device's."""
    if key is not None and (seen := await store.idempotent_reference(conn, agent, key)):
        return seen
    if command.reference is not None and await used_before(
        conn, command.reference, device, body_sha256
    ):
        return (body_sha256, command.reference)
    return None


async def _log_alone(db: Database, staged: _Staged, ports: Ports) -> Logged:
    """The request in a transaction of its own, checked again inside it."""
    for attempt in range(_ATTEMPTS):
        try:
            async with db.transaction() as conn:
                s = staged
                seen = await _seen(conn, s.command, s.agent, s.key, s.body_sha256, s.device)
                if seen is not None:
                    return Logged(await _replay(conn, seen, staged.body_sha256), replayed=True)
                await _write_rows(conn, [staged])
        except IntegrityError:
            log.info("reference or idempotency key taken concurrently; retry %d", attempt + 1)
            if not staged.leased:  # a reference drawn twice: draw another
                staged = replace(staged, reference=ports.new_reference())
            continue
        except _Contended:
            continue  # the leased number was taken meanwhile: look again
        return _logged(staged)
    raise RuntimeError(f"could not store the request after {_ATTEMPTS} attempts")


async def _replay(conn: AsyncConnection, seen: tuple[str, str], body_sha256: str) -> RequestCreated:
    recorded_sha256, reference = seen
    if recorded_sha256 != body_sha256:
        raise IdempotencyConflict
    found = await store.find_request(conn, reference)
    assert found is not None  # the key's foreign key guarantees it
    return RequestCreated(
        reference=found.reference,
        status=RequestStatus.LOGGED,
        category=found.category,
        created_at=found.created_at,
    )


def _logged(staged: _Staged) -> Logged:
    command = staged.command
    log.info(
        "request logged reference=%s category=%s area=%s agent=%s",
        staged.reference,
        command.category,
        command.location.area.value,
        staged.agent,
    )
    created = RequestCreated(
        reference=staged.reference,
        status=RequestStatus.LOGGED,
        category=command.category,
        created_at=staged.now,
    )
    return Logged(created, replayed=False)


def _request_row(staged: _Staged) -> dict[str, Any]:
    command, resident = staged.command, staged.command.resident
    return {
        "channel": staged.channel,
        "reference": staged.reference,
        "category": command.category,
        "area": command.location.area.value,
        "community": command.location.community,
        "description": command.description,
        "lat": command.location.lat,
        "lon": command.location.lon,
        "visit_id": command.visit_id,
        "agent": staged.agent,
        "privacy_notice_version": resident.notice_heard if resident else None,
        "status": RequestStatus.LOGGED.value,
        "created_at": staged.taken_at,
        "updated_at": staged.taken_at,
    }


def _key_row(s: _Staged) -> dict[str, Any]:
    return {
        "agent": s.agent,
        "key": s.key,
        "body_sha256": s.body_sha256,
        "reference": s.reference,
        "created_at": s.now,
    }
