"""Intake's use cases as plain async functions: command in, effects in one transaction out."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from services.intake import store
from services.intake.schemas import HistoryEntry, NewRequest, RequestCreated, RequestView
from shared.contracts.common import RequestStatus
from shared.contracts.requests import RequestLogged, ResidentContact
from shared.events import new_event
from shared.outbox import enqueue
from shared.store import Database
from shared.topics import REQUESTS_LOGGED, EventType, source

__all__ = ["IdempotencyConflict", "Ports", "UnknownVisit", "get_request", "log_request"]

log = logging.getLogger(__name__)
SOURCE = source("intake")
_ATTEMPTS = 5


class IdempotencyConflict(Exception):
    """The Idempotency-Key was already used for a different body."""


class UnknownVisit(Exception):
    """The request names a visit scheduling never announced."""


@dataclass(frozen=True, slots=True)
class Ports:
    clock: Callable[[], datetime]
    new_reference: Callable[[], str]


@dataclass(frozen=True, slots=True)
class Logged:
    response: RequestCreated
    replayed: bool


async def log_request(
    db: Database,
    command: NewRequest,
    agent: store.Agent,
    idempotency_key: str | None,
    ports: Ports,
) -> Logged:
    """Record the request and stage its `request.logged` event in one transaction.

    A repeated Idempotency-Key with the same body answers with the first reference and
    stages nothing; with another body it is refused. A reference collision or a concurrent
    first use of the same key rolls back and tries again.
    """
    body_sha256 = hashlib.sha256(command.model_dump_json().encode()).hexdigest()
    for attempt in range(_ATTEMPTS):
        try:
            async with db.transaction() as conn:
                if idempotency_key is not None:
                    seen = await store.idempotent_reference(conn, agent.id, idempotency_key)
                    if seen is not None:
                        return Logged(await _replay(conn, seen, body_sha256), replayed=True)
                if command.visit_id is not None and not await store.visit_known(
                    conn, command.visit_id
                ):
                    raise UnknownVisit(command.visit_id)
                now = ports.clock()
                reference = ports.new_reference()
                await store.insert_request(
                    conn,
                    reference=reference,
                    category=command.category,
                    area=command.location.area.value,
                    community=command.location.community,
                    description=command.description,
                    visit_id=command.visit_id,
                    agent_id=agent.id,
                    at=now,
                )
                if idempotency_key is not None:
                    await store.record_idempotency_key(
                        conn, agent.id, idempotency_key, body_sha256, reference, now
                    )
                event = new_event(
                    EventType.REQUEST_LOGGED,
                    SOURCE,
                    reference,
                    _logged_event(reference, command, agent, now),
                    now,
                )
                await enqueue(conn, store.outbox, REQUESTS_LOGGED, event)
        except IntegrityError:
            log.info("reference or idempotency key taken concurrently; retry %d", attempt + 1)
            continue
        log.info(
            "request logged reference=%s category=%s area=%s agent=%s",
            reference,
            command.category,
            command.location.area.value,
            agent.name,
        )
        created = RequestCreated(
            reference=reference,
            status=RequestStatus.LOGGED,
            category=command.category,
            created_at=now,
        )
        return Logged(created, replayed=False)
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


def _logged_event(
    reference: str, command: NewRequest, agent: store.Agent, now: datetime
) -> RequestLogged:
    resident = command.resident
    return RequestLogged(
        reference=reference,
        category=command.category,
        description=command.description,
        location=command.location,
        resident=None if resident is None else ResidentContact(**resident.model_dump()),
        account_number=command.account_number,
        visit_id=command.visit_id,
        agent=agent.name,
        logged_at=now,
    )


async def get_request(db: Database, reference: str) -> RequestView | None:
    async with db.reading() as conn:
        found = await store.find_request(conn, reference)
        if found is None:
            return None
        entries = await store.request_history(conn, reference)
    return RequestView(
        reference=found.reference,
        category=found.category,
        status=found.status,
        department=found.department,
        created_at=found.created_at,
        updated_at=found.updated_at,
        history=[HistoryEntry(status=s, at=at, note=note) for s, at, note in entries],
    )
