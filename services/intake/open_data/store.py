"""The requests logged in a period, with their histories, for the open-data file: a chunk at a
time, so a year's file holds no more in memory than one chunk, whatever the year's size."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from typing import Any, Final

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.intake.public.store import with_suburb_counts
from services.intake.store import history, requests

__all__ = ["CHUNK", "logged_in"]

CHUNK: Final = 1000  # requests a chunk: two statements each (requests, then their histories)


async def _histories(conn: AsyncConnection, references: Sequence[str]) -> dict[str, list[Any]]:
    """Each request's steps (status, at, note, cause), oldest first."""
    h = history.c
    steps: dict[str, list[Any]] = defaultdict(list)
    for step in await conn.execute(
        select(h.reference, h.status, h.at, h.note, h.cause)
        .where(h.reference.in_(references))
        .order_by(h.at, h.id)
    ):
        steps[step.reference].append(step)
    return steps


async def logged_in(
    conn: AsyncConnection, start: dt.datetime, end: dt.datetime, chunk: int = CHUNK
) -> AsyncIterator[tuple[list[Any], dict[str, list[Any]]]]:
    """The rows of the requests logged from `start` up to (not including) `end`, oldest first
    (by reference among equal times), `chunk` at a time, each with COMMUNITY_REQUESTS
    (public/store.py); and each chunk's steps. A chunk starts after the last one's final
    (created_at, reference), not at an offset: each costs the same, however far in."""
    c = requests.c
    logged = (c.created_at >= start) & (c.created_at < end)
    after: tuple[Any, str] | None = None
    while True:
        query = select(requests).where(logged)
        if after is not None:
            at, reference = after
            later = or_(c.created_at > at, and_(c.created_at == at, c.reference > reference))
            query = query.where(later)
        page = query.order_by(c.created_at, c.reference).limit(chunk).cte("chunk")
        found = (
            await conn.execute(
                with_suburb_counts(page).order_by(page.c.created_at, page.c.reference)
            )
        ).all()
        if not found:
            return
        yield list(found), await _histories(conn, [r.reference for r in found])
        if len(found) < chunk:
            return
        after = (found[-1].created_at, found[-1].reference)
