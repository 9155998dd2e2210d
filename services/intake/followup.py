"""Keeping intake's public view current: routing's decisions and departments' progress,
consumed from `mo.requests.routed` and `mo.requests.status`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from services.intake import store
from shared.consumer import each
from shared.contracts.common import RequestStatus
from shared.contracts.routing import RequestRouted, RequestUnroutable, StatusChanged
from shared.events import CloudEvent, InvalidEvent
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


APPLIERS = {
    EventType.REQUEST_ROUTED: each(on_routed),
    EventType.REQUEST_UNROUTABLE: each(on_unroutable),
    EventType.REQUEST_STATUS_CHANGED: each(on_status_changed),
}
