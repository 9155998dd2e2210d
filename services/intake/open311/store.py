"""The requests Open311's reads show, with their histories and suburbs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.intake.open311.domain import RequestsQuery
from services.intake.public.domain import blocks_from
from services.intake.store import history, requests
from shared.contracts.common import FINISHED

__all__ = ["exists", "find"]


async def _histories(conn: AsyncConnection, references: Sequence[str]) -> dict[str, list[Any]]:
    """Each request's steps, oldest first: one query for a page."""
    h = history.c
    steps: dict[str, list[Any]] = defaultdict(list)
    for step in await conn.execute(
        select(h.reference, h.status, h.at, h.note, h.cause)
        .where(h.reference.in_(references))
        .order_by(h.at, h.id)
    ):
        steps[step.reference].append(step)
    return steps


async def find(
    conn: AsyncConnection, asked: RequestsQuery
) -> tuple[list[Any], dict[str, list[Any]]]:
    """Requests by reference, or else by code, period and status; newest first, one page;
    and each one's steps. The period is matched on the published 6-hour blocks: a narrower
    filter would tell a request's exact time by halving."""
    c = requests.c
    query = select(requests).order_by(c.created_at.desc(), c.reference)
    if asked.references:
        query = query.where(c.reference.in_(asked.references))
    else:
        first, after = blocks_from(asked.start, asked.end)
        query = query.where(c.created_at >= first, c.created_at < after)
        if asked.codes:
            query = query.where(c.category.in_(asked.codes))
        closed = [s.value for s in FINISHED]
        if asked.statuses and set(asked.statuses) == {"closed"}:
            query = query.where(c.status.in_(closed))
        elif asked.statuses and set(asked.statuses) == {"open"}:
            query = query.where(c.status.not_in(closed))
    offset = (asked.page - 1) * asked.page_size
    rows = (await conn.execute(query.limit(asked.page_size).offset(offset))).all()
    steps = await _histories(conn, [r.reference for r in rows]) if rows else {}
    return list(rows), steps


async def exists(conn: AsyncConnection, reference: str) -> bool:
    found = await conn.scalar(select(requests.c.reference).where(requests.c.reference == reference))
    return found is not None
