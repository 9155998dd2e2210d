"""Intake's use cases as plain async functions: a field agent logs a request, a resident
follows it up, and what routing, departments and scheduling announce keeps the follow-up
current. Each is one transaction: the change and its outbox row commit together."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from services.intake import store, visits
from services.intake.devices import claim
from services.intake.domain import (
    UNROUTABLE_NOTE,
    IdempotencyConflict,
    fingerprint,
    logged_event,
    public_note,
)
from services.intake.schemas import HistoryEntry, NewRequest, RequestCreated, RequestView
from shared.consumer import Received
from shared.contracts.common import RequestStatus
from shared.contracts.routing import RequestRouted, RequestUnroutable, StatusChanged
from shared.events import InvalidEvent, new_event
from shared.outbox import enqueue
from shared.store import Database
from shared.topics import source

__all__ = [
    "Logged",
    "Ports",
    "get_request",
    "log_request",
    "on_routed",
    "on_status_changed",
    "on_unroutable",
]

log = logging.getLogger(__name__)
SOURCE = source("intake")
_ATTEMPTS = 5


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
    agent: str,
    idempotency_key: str | None,
    ports: Ports,
    device: str | None = None,
    channel: str = "mobile-office",
) -> Logged:
    """Record the request and stage its `request.logged` event in one transaction.

    A repeated Idempotency-Key with the same body answers with the first reference and
    stages nothing; with another body it is refused. A reference collision or a concurrent
    first use of the same key rolls back and tries again. A `reference` the field app sends
    must be leased to its `device` (see devices.claim).
    """
    body_sha256 = fingerprint(command)
    for attempt in range(_ATTEMPTS):
        try:
            async with db.transaction() as conn:
                if idempotency_key is not None:
                    seen = await store.idempotent_reference(conn, agent, idempotency_key)
                    if seen is not None:
                        return Logged(await _replay(conn, seen, body_sha256), replayed=True)
                now = ports.clock()
                taken_at = await visits.taken_at(conn, command, now)
                if command.reference is None:
                    reference = ports.new_reference()
                elif await claim(conn, command.reference, device, body_sha256, now):
                    reference = command.reference
                else:  # this very request reached us before: answer as then
                    seen = (body_sha256, command.reference)
                    return Logged(await _replay(conn, seen, body_sha256), replayed=True)
                await store.insert_request(
                    conn,
                    reference=reference,
                    category=command.category,
                    area=command.location.area.value,
                    community=command.location.community,
                    description=command.description,
                    visit_id=command.visit_id,
                    agent=agent,
                    at=taken_at,
                    lat=command.location.lat,
                    lon=command.location.lon,
                    privacy_notice_version=command.resident.notice_heard
                    if command.resident
                    else None,
                    channel=channel,
                )
                if idempotency_key is not None:
                    await store.record_idempotency_key(
                        conn, agent, idempotency_key, body_sha256, reference, now
                    )
                data = logged_event(reference, command, agent, taken_at)
                await enqueue(conn, store.outbox, new_event(data, SOURCE, reference, now))
        except IntegrityError:
            log.info("reference or idempotency key taken concurrently; retry %d", attempt + 1)
            continue
        log.info(
            "request logged reference=%s category=%s area=%s agent=%s",
            reference,
            command.category,
            command.location.area.value,
            agent,
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
        history=[HistoryEntry.model_validate(entry) for entry in entries],
    )


# --- keeping the follow-up current, inside the consumer's transaction ---------------------


async def on_routed(conn: AsyncConnection, item: Received[RequestRouted]) -> None:
    routed = item.data
    await _record(
        conn,
        item,
        routed.reference,
        routed.status,
        routed.decided_at,
        routed.note,
        routed.department,
        routed.due_at,
    )


async def on_unroutable(conn: AsyncConnection, item: Received[RequestUnroutable]) -> None:
    unroutable = item.data
    await _record(
        conn, item, unroutable.reference, unroutable.status, unroutable.decided_at, UNROUTABLE_NOTE
    )


async def on_status_changed(conn: AsyncConnection, item: Received[StatusChanged]) -> None:
    changed = item.data
    note = public_note(changed.note, changed.note_public)
    ending = {
        "cause": changed.cause.value if changed.cause else None,
        "cause_detail": public_note(changed.cause_detail, marked_public=True),
        "duplicate_of": changed.duplicate_of,
    }
    await _record(
        conn, item, changed.reference, changed.status, changed.changed_at, note, ending=ending
    )


async def _record(
    conn: AsyncConnection,
    item: Received[RequestRouted] | Received[RequestUnroutable] | Received[StatusChanged],
    reference: str,
    status: RequestStatus,
    at: datetime,
    note: str | None,
    department: str | None = None,
    due_at: datetime | None = None,
    ending: dict[str, str | None] | None = None,
) -> None:
    if not await store.apply_status(
        conn, reference, status, at, note, department, due_at, **(ending or {})
    ):
        raise InvalidEvent(f"{item.event.type} for a reference intake never issued: {reference}")
