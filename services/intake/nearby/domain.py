"""The same problem reported twice, as rules: which requests are open, and which are near
enough (same community, or within 250 m where both have coordinates)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Final

from shared.contracts.common import RequestStatus

__all__ = ["NEAR_M", "OPEN", "Candidate", "Nearby", "distance_m", "nearby"]

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


@dataclass(frozen=True, slots=True)
class Candidate:
    """An open request of the category, as the store holds it."""

    reference: str
    category: str
    community: str
    status: RequestStatus
    description: str
    lat: float | None
    lon: float | None
    created_at: dt.datetime


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine): plenty for 250 m in a city."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


def nearby(
    candidates: list[Candidate], community: str | None, lat: float | None, lon: float | None
) -> list[Nearby]:
    """Those of `candidates` in `community`, or within NEAR_M of (lat, lon); nearest first."""
    found = []
    wanted = community.casefold() if community else None
    for c in candidates:
        apart = None
        if lat is not None and lon is not None and c.lat is not None and c.lon is not None:
            apart = distance_m(lat, lon, c.lat, c.lon)
        if (apart is not None and apart <= NEAR_M) or c.community.casefold() == wanted:
            distance = round(apart) if apart is not None else None
            found.append(
                Nearby(
                    c.reference,
                    c.category,
                    c.community,
                    c.status,
                    c.description,
                    distance,
                    c.created_at,
                )
            )
    return sorted(found, key=lambda n: (n.distance_m is None, n.distance_m or 0))
