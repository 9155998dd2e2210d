"""Keeping intake's public view current: routing's decisions and departments' progress
(`mo.requests.routed`, `mo.requests.status`), and the visits requests may be logged at
(`mo.visits`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from services.intake import store
from shared.consumer import each
from shared.contracts.common import RequestStatus
from shared.contracts.routing import RequestRouted, RequestUnroutable, StatusChanged
from shared.events import CloudEvent, InvalidEvent
from shared.store import upsert_insert
from shared.topics import EventType

__all__ = ["APPLIERS"]

UNROUTABLE_NOTE = "waiting for the Mobile Office team to choose the right department"


async def on_routed(conn: AsyncConnection, event: CloudEvent) -> None:
    routed = event.data_as(RequestRouted)
    await _apply(
        conn,
        event,
        routed.reference,
        routed.status,
        routed.decided_at,
        routed.note,
        routed.department,
    )


async def on_unroutable(conn: AsyncConnection, event: CloudEvent) -> None:
    unroutable = event.data_as(RequestUnroutable)
    await _apply(
        conn,
        event,
        unroutable.reference,
        unroutable.status,
        unroutable.decided_at,
        UNROUTABLE_NOTE,
    )


async def on_status_changed(conn: AsyncConnection, event: CloudEvent) -> None:
    changed = event.data_as(StatusChanged)
    await _apply(conn, event, changed.reference, changed.status, changed.changed_at, changed.note)


async def _apply(
    conn: AsyncConnection,
    event: CloudEvent,
    reference: str,
    status: RequestStatus,
    at: datetime,
    note: str | None,
    department: str | None = None,
) -> None:
    if not await store.apply_status(conn, reference, status, at, note, department):
        raise InvalidEvent(f"{event.type} for a reference intake never issued: {reference}")


async def on_visit(conn: AsyncConnection, event: CloudEvent) -> None:
    """Remember the visits scheduling announced, so a request can name the one it was
    logged at (and a typo in a visit id is refused at once)."""
    status = "cancelled" if event.type == EventType.VISIT_CANCELLED else "scheduled"
    await conn.execute(
        upsert_insert(conn, store.visits)
        .values(id=event.subject, status=status)
        .on_conflict_do_update(index_elements=["id"], set_={"status": status})
    )


APPLIERS = {
    EventType.REQUEST_ROUTED: each(on_routed),
    EventType.REQUEST_UNROUTABLE: each(on_unroutable),
    EventType.REQUEST_STATUS_CHANGED: each(on_status_changed),
    EventType.VISIT_SCHEDULED: each(on_visit),
    EventType.VISIT_CHANGED: each(on_visit),
    EventType.VISIT_CANCELLED: each(on_visit),
}
