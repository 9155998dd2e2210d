"""Scheduling's store, the communities half: the seeded communities and teams, and the open
requests per community it counts from routing's events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.scheduling.communities.domain import Community
from services.scheduling.store import communities, followed_requests, teams, visits
from shared.contracts.common import Area
from shared.contracts.visits import VisitStatus
from shared.store import upsert_insert

__all__ = ["all_communities", "follow_request", "is_seeded", "seed", "team_names"]


async def is_seeded(conn: AsyncConnection) -> bool:
    return bool(await conn.scalar(select(func.count()).select_from(communities)))


async def seed(conn: AsyncConnection, seeded: Sequence[Community], team_names: list[str]) -> None:
    rows = [
        {
            "name": c.name,
            "key": c.name.casefold(),
            "area": c.area.value,
            "venue": c.venue,
            "starts": c.starts,
            "ends": c.ends,
            "last_visited": c.last_visited,
        }
        for c in seeded
    ]
    await conn.execute(insert(communities), rows)
    await conn.execute(insert(teams), [{"name": t} for t in team_names])


async def team_names(conn: AsyncConnection) -> list[str]:
    return list(await conn.scalars(select(teams.c.name)))


async def all_communities(conn: AsyncConnection, before: dt.date) -> list[Community]:
    """Every community, by name, with its last visit before `before` and its open requests."""
    last = dict(
        (
            await conn.execute(
                select(visits.c.community, func.max(visits.c.date))
                .where(visits.c.status == VisitStatus.SCHEDULED, visits.c.date < before)
                .group_by(visits.c.community)
            )
        ).all()
    )
    open_requests: dict[str, int] = dict(
        (
            await conn.execute(
                select(followed_requests.c.community_key, func.count())
                .where(followed_requests.c.open.is_(True))
                .group_by(followed_requests.c.community_key)
            )
        ).all()
    )
    rows = await conn.execute(select(communities).order_by(communities.c.name))
    return [
        Community(
            name=r.name,
            area=Area(r.area),
            venue=r.venue,
            starts=r.starts,
            ends=r.ends,
            last_visited=max(filter(None, [r.last_visited, last.get(r.name)]), default=None),
            open_requests=open_requests.get(r.key, 0),
        )
        for r in rows
    ]


async def follow_request(
    conn: AsyncConnection, reference: str, community: str | None, is_open: bool, as_of: dt.datetime
) -> None:
    """Whether a request is open, as of the event that said so: events from routing's two
    topics may arrive out of order, and only a later one changes the answer."""
    key = community.casefold() if community else None
    await conn.execute(
        upsert_insert(conn, followed_requests)
        .values(reference=reference, community_key=key, open=is_open, as_of=as_of)
        .on_conflict_do_nothing()
    )
    this = followed_requests.c.reference == reference
    if key is not None:
        await conn.execute(update(followed_requests).where(this).values(community_key=key))
    await conn.execute(
        update(followed_requests)
        .where(this, followed_requests.c.as_of < as_of)
        .values(open=is_open, as_of=as_of)
    )
