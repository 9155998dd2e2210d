"""A community the Mobile Office visits, as the planner sees it: where, when, how long it has
waited and how many of its requests are open."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from shared.contracts.common import Area

__all__ = ["Community"]


@dataclass(frozen=True, slots=True)
class Community:
    name: str
    area: Area
    venue: str
    starts: dt.time = dt.time(9, 30)
    ends: dt.time = dt.time(13, 30)
    last_visited: dt.date | None = None
    open_requests: int = 0
