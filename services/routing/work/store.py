"""The work's store: when a request was last resolved (a reopening's window counts from
it)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.routing.store import status_history
from shared.store import as_utc

__all__ = ["last_resolved_at"]


async def last_resolved_at(conn: AsyncConnection, reference: str) -> datetime | None:
    at = await conn.scalar(
        select(status_history.c.at)
        .where(status_history.c.reference == reference, status_history.c.status == "resolved")
        .order_by(status_history.c.at.desc())
        .limit(1)
    )
    return as_utc(at) if at is not None else None
