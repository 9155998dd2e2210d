"""What the resident's pages read: one request with its steps, and the visits intake keeps
(as scheduling announced them: visits/store.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.intake.store import history, requests
from services.intake.visits.store import visits

__all__ = ["communities", "request_and_steps"]


async def request_and_steps(conn: AsyncConnection, reference: str) -> tuple[Any, list[Any]] | None:
    """The row of `requests` and its steps (status, at, note, cause), oldest first."""
    row = (await conn.execute(select(requests).where(requests.c.reference == reference))).first()
    if row is None:
        return None
    h = history.c
    steps = await conn.execute(
        select(h.status, h.at, h.note, h.cause).where(h.reference == reference).order_by(h.at, h.id)
    )
    return row, list(steps)


async def communities(conn: AsyncConnection) -> list[tuple[str, str]]:
    """(area, community) of every community a visit was ever announced to, by name."""
    v = visits.c
    found = await conn.execute(select(v.area, v.community).distinct().order_by(v.community))
    return [(area, community) for area, community in found]
