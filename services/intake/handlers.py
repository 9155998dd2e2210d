"""Intake's use cases as plain async functions: a resident follows a request up, and what
routing, departments and scheduling announce keeps the follow-up current. Each is one
transaction: the change and its outbox row commit together. (Logging a new request, grouped
with others, is new_requests.py.)"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from services.intake import store
from services.intake.domain import (
    UNROUTABLE_NOTE,
    public_note,
)
from services.intake.schemas import HistoryEntry, RequestView
from shared.consumer import Received
from shared.contracts.common import RequestStatus
from shared.contracts.routing import RequestRouted, RequestUnroutable, StatusChanged
from shared.events import InvalidEvent
from shared.store import Database
from shared.topics import source

__all__ = [
    "Ports",
    "get_request",
    "on_routed",
    "on_status_changed",
    "on_unroutable",
]

log = logging.getLogger(__name__)
SOURCE = source("intake")


@dataclass(frozen=True, slots=True)
class Ports:
    clock: Callable[[], datetime]
    new_reference: Callable[[], str]


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
