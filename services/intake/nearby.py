"""The same problem reported twice: before logging, the agent sees the open requests of the
same category nearby (same community, or within 250 m where both have coordinates) and can
join the resident to one instead; the resident then hears that request's updates, and the
department sees how many residents it affects."""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from sqlalchemy import select

from services.intake import store
from services.intake.schemas import Resident
from shared.contracts.common import RequestStatus
from shared.contracts.requests import FollowerJoined, ResidentContact
from shared.events import new_event
from shared.outbox import enqueue
from shared.refusals import Conflict, NotFound
from shared.store import Database, as_utc
from shared.topics import source

__all__ = ["NEAR_M", "Nearby", "distance_m", "find_nearby", "join"]

log = logging.getLogger(__name__)
NEAR_M: Final = 250.0
_S = RequestStatus
OPEN: Final = (_S.LOGGED, _S.ROUTED, _S.UNROUTABLE, _S.ACKNOWLEDGED, _S.IN_PROGRESS)


@dataclass(frozen=True, slots=True)
class Nearby:
    reference: str
    category: str
    community: str
    status: RequestStatus
    description: str
    distance_m: float | None
    created_at: dt.datetime


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine): plenty for 250 m in a city."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


async def find_nearby(
    db: Database, category: str, community: str | None, lat: float | None, lon: float | None
) -> list[Nearby]:
    """Open requests of `category` in `community`, or within NEAR_M of (lat, lon)."""
    requests = store.requests
    async with db.reading() as conn:
        rows = await conn.execute(
            select(requests)
            .where(requests.c.category == category, requests.c.status.in_([s.value for s in OPEN]))
            .order_by(requests.c.created_at.desc())
            .limit(2000)
        )
    found = []
    wanted = community.casefold() if community else None
    for row in rows:
        apart = None
        if None not in (lat, lon, row.lat, row.lon):
            apart = distance_m(lat, lon, row.lat, row.lon)  # type: ignore[arg-type]
        if (apart is not None and apart <= NEAR_M) or row.community.casefold() == wanted:
            found.append(
                Nearby(
                    row.reference,
                    row.category,
                    row.community,
                    RequestStatus(row.status),
                    row.description,
                    round(apart) if apart is not None else None,
                    as_utc(row.created_at),
                )
            )
    return sorted(found, key=lambda n: (n.distance_m is None, n.distance_m or 0))


async def join(
    db: Database, clock: Callable[[], dt.datetime], reference: str, agent: str, resident: Resident
) -> None:
    """Joins the resident to an open request: its updates reach them too."""
    now = clock()
    async with db.transaction() as conn:
        found = await store.find_request(conn, reference)
        if found is None:
            raise NotFound(f"no request has reference {reference}")
        if found.status not in OPEN:
            raise Conflict(f"request {reference} is {found.status.value}: log a new request")
        contact = ResidentContact(**resident.model_dump())
        joined = FollowerJoined(reference=reference, resident=contact, agent=agent, joined_at=now)
        await enqueue(conn, store.outbox, new_event(joined, source("intake"), reference, now))
    log.info("follower joined reference=%s by %s", reference, agent)
