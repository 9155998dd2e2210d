"""The work's store: when a request was last resolved (a reopening's window counts from
it), and a resident's confirmation that it was fixed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.routing.store import requests, status_history
from shared.contracts.common import RequestStatus
from shared.store import as_utc

__all__ = ["last_resolved_at", "note_fixed_confirmed"]


async def last_resolved_at(conn: AsyncConnection, reference: str) -> datetime | None:
    at = await conn.scalar(
        select(status_history.c.at)
        .where(status_history.c.reference == reference, status_history.c.status == "resolved")
        .order_by(status_history.c.at.desc())
        .limit(1)
    )
    return as_utc(at) if at is not None else None


async def note_fixed_confirmed(conn: AsyncConnection, reference: str, at: datetime) -> bool:
    """Keeps when the resident confirmed `reference` fixed, if it is resolved or closed and
    was not confirmed before; whether it was kept."""
    done = (RequestStatus.RESOLVED.value, RequestStatus.CLOSED.value)
    result = await conn.execute(
        update(requests)
        .where(
            requests.c.reference == reference,
            requests.c.status.in_(done),
            requests.c.fixed_confirmed_at.is_(None),
        )
        .values(fixed_confirmed_at=at)
    )
    return bool(result.rowcount)
