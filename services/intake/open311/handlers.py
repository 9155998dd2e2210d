"""Open311's reads as use cases: requests as GeoReport shows them (open311/domain.py says
what they show), and what a token stands for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.intake.devices import store as device_store
from services.intake.open311 import store
from services.intake.open311.domain import RequestsQuery, view
from services.intake.public.domain import public_request, shown_as
from shared.use_case import Deps, UnitOfWork

__all__ = ["FindRequests", "TokenFound", "find_requests", "find_token"]


@dataclass(frozen=True, slots=True)
class FindRequests:
    query: RequestsQuery
    base_url: str  # the service's own address, for `media_url`


@dataclass(frozen=True, slots=True)
class TokenFound:
    reference: str
    received: bool  # False: handed out by a field app offline, not received yet


async def find_requests(command: FindRequests, uow: UnitOfWork, deps: Deps) -> list[dict[str, Any]]:
    """A page of requests as anyone may see them: two statements (open311/store.py)."""
    async with uow.reading() as conn:
        found, steps = await store.find(conn, command.query)
    return [
        view(
            public_request(
                f.request,
                steps.get(f.request.reference, []),
                shown_as(f.request.area, f.request.community, f.community_requests),
                f.photos,
            ),
            command.query.extensions,
            command.base_url,
        )
        for f in found
    ]


async def find_token(token: str, uow: UnitOfWork, deps: Deps) -> TokenFound | None:
    """Our POST answers with the reference at once, so a token is a reference: known, or
    leased to a field app's device and not received yet."""
    async with uow.reading() as conn:
        if await store.exists(conn, token):
            return TokenFound(token, received=True)
        lease = await device_store.lease_of(conn, token)
    return TokenFound(token, received=False) if lease is not None and not lease.used else None
