"""What the de-identification reads: how many requests each community has in the store."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from sqlalchemy import func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

from services.intake.public.domain import shown_as
from services.intake.store import requests

__all__ = ["suburbs"]

_MOST_PAIRS: Final = 500  # community pairs per query: two bound values each


async def suburbs(
    conn: AsyncConnection, pairs: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], str]:
    """What each (area, community) is shown as: itself, or its area's other communities."""
    wanted = sorted(set(pairs))
    counts: dict[tuple[str, str], int] = {}
    c = requests.c
    for i in range(0, len(wanted), _MOST_PAIRS):
        chunk = wanted[i : i + _MOST_PAIRS]
        query = (
            select(c.area, c.community, func.count())
            .where(tuple_(c.area, c.community).in_(chunk))
            .group_by(c.area, c.community)
        )
        counts.update(((a, m), n) for a, m, n in await conn.execute(query))
    return {(a, m): shown_as(a, m, counts.get((a, m), 0)) for a, m in wanted}
