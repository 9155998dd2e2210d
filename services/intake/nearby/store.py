"""The open requests of a category, newest first, for the nearby search."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.intake.nearby.domain import Candidate
from services.intake.store import requests
from shared.contracts.common import RequestStatus
from shared.store import as_utc

__all__ = ["open_of"]


async def open_of(
    conn: AsyncConnection, category: str, statuses: Sequence[RequestStatus], most: int = 2000
) -> list[Candidate]:
    c = requests.c
    rows = await conn.execute(
        select(requests)
        .where(c.category == category, c.status.in_([s.value for s in statuses]))
        .order_by(c.created_at.desc())
        .limit(most)
    )
    return [
        Candidate(
            r.reference,
            r.category,
            r.community,
            RequestStatus(r.status),
            r.description,
            r.lat,
            r.lon,
            as_utc(r.created_at),
        )
        for r in rows
    ]
