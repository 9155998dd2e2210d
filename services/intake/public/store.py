"""What the de-identification reads: how many requests each community has in the store,
asked for apart (`suburbs`) or inside a page's own query (`with_suburb_counts`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

from sqlalchemy import FromClause, Select, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

from services.intake.public.domain import shown_as
from services.intake.store import requests

__all__ = ["COMMUNITY_REQUESTS", "suburbs", "with_suburb_counts"]

_MOST_PAIRS: Final = 500  # community pairs per query: two bound values each
COMMUNITY_REQUESTS: Final = "community_requests"
"""The column `with_suburb_counts` adds: the store's requests of the row's (area, community)."""


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


def with_suburb_counts(page: FromClause) -> Select[Any]:
    """Every row of `page` (a subquery or CTE of requests' rows) with COMMUNITY_REQUESTS, the
    count `shown_as` needs: the page's suburbs in the page's own query, each distinct
    (area, community) counted once over the store, as `suburbs` counts them. Each pair is
    counted by its own lookup in the (area, community) index, and grouped so the database
    counts it once a pair, not once a row of the page (SQLite would flatten a DISTINCT into
    the join); grouping the store's rows of every pair instead sorts them all again, some
    ten times slower on SQLite."""
    c = requests.c
    p = page.c
    of_pair = (c.area == p.area) & (c.community == p.community)
    count = select(func.count()).where(of_pair).scalar_subquery().correlate(page)
    counts = (
        select(p.area, p.community, count.label(COMMUNITY_REQUESTS))
        .group_by(p.area, p.community)
        .subquery("community_counts")
    )
    same = (p.area == counts.c.area) & (p.community == counts.c.community)
    return select(page, counts.c[COMMUNITY_REQUESTS]).join_from(page, counts, same)
