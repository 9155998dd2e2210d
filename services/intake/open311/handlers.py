"""Open311's reads as use cases: requests as GeoReport shows them (open311/domain.py says
what they show), and what a token stands for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.intake.attachments.store import public_photos
from services.intake.devices import store as device_store
from services.intake.open311 import store
from services.intake.open311.domain import RequestsQuery, view
from services.intake.public.domain import public_request
from services.intake.public.store import suburbs
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
    async with uow.reading() as conn:
        rows, steps = await store.find(conn, command.query)
        shown_as = await suburbs(conn, ((r.area, r.community) for r in rows))
        photos = await public_photos(conn, [r.reference for r in rows])
    return [
        view(
            public_request(
                r,
                steps.get(r.reference, []),
                shown_as[(r.area, r.community)],
                photos.get(r.reference, ()),
            ),
            command.query.extensions,
            command.base_url,
        )
        for r in rows
    ]


async def find_token(token: str, uow: UnitOfWork, deps: Deps) -> TokenFound | None:
    """Our POST answers with the reference at once, so a token is a reference: known, or
    leased to a field app's device and not received yet."""
    async with uow.reading() as conn:
        if await store.exists(conn, token):
            return TokenFound(token, received=True)
        lease = await device_store.lease_of(conn, token)
    return TokenFound(token, received=False) if lease is not None and not lease.used else None
