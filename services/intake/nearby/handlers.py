"""The same problem reported twice: before logging, the agent sees the open requests of the
same category nearby (same community, or within 250 m where both have coordinates) and can
join the resident to one instead; the resident then hears that request's updates, and the
department sees how many residents it affects."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from services.intake import store
from services.intake.nearby import store as nearby_store
from services.intake.nearby.domain import OPEN, Nearby, nearby
from services.intake.requests.schemas import Resident
from shared.auth import Caller
from shared.contracts.requests import FollowerJoined
from shared.refusals import Conflict
from shared.use_case import UnitOfWork

if TYPE_CHECKING:
    from services.intake.deps import IntakeDeps

__all__ = ["Join", "NearbyWanted", "find_nearby", "join"]

log = logging.getLogger(__name__)
MOST: int = 50


@dataclass(frozen=True, slots=True)
class NearbyWanted:
    caller: Caller  # the agent who reads residents' descriptions: audited
    category: str
    community: str | None
    lat: float | None
    lon: float | None


@dataclass(frozen=True, slots=True)
class Join:
    reference: str
    agent: str
    resident: Resident


async def find_nearby(command: NearbyWanted, uow: UnitOfWork, deps: IntakeDeps) -> list[Nearby]:
    """Open requests of the category in the community or within 250 m (the nearest 50);
    the read is audited, since it shows residents' descriptions."""
    async with uow.reading() as conn:
        candidates = await nearby_store.open_of(conn, command.category, OPEN)
    found = nearby(candidates, command.community, command.lat, command.lon)[:MOST]
    now = deps.clock()
    async with uow.transaction() as conn:
        rows = len(found)
        caller, about = command.caller, f"{rows} requests"
        await deps.audit.record(conn, caller, "read requests nearby", about, "", now, rows)
    return found


async def join(command: Join, uow: UnitOfWork, deps: IntakeDeps) -> None:
    """Joins the resident to an open request: its updates reach them too."""
    now, reference = deps.clock(), command.reference
    async with uow.transaction() as conn:
        found = await store.existing_request(conn, reference)
        if found.status not in OPEN:
            raise Conflict(f"request {reference} is {found.status.value}: log a new request")
        joined = FollowerJoined(
            reference=reference,
            resident=command.resident.contact(),
            agent=command.agent,
            joined_at=now,
        )
        await deps.outbox.stage(conn, joined, subject=reference, at=now)
    log.info("follower joined reference=%s by %s", reference, command.agent)
