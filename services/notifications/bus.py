"""Notifications on the bus: it reads requests and visits residents may hear about, and
publishes (through its outbox) what happened to each message on `mo.notifications`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Final

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncConnection

from services.notifications import digests, erasures, followers, handlers, privacy
from shared.consumer import AfterCommit, Received, Route, on
from shared.contracts.notifications import NotificationDelivered, NotificationFailed
from shared.contracts.privacy import (
    AccessAnswered,
    AccessRequested,
    CorrectionAnswered,
    CorrectionRequested,
    ErasureAnswered,
    ErasureRequested,
)
from shared.contracts.requests import FollowerJoined, ReopenAsked, RequestLogged
from shared.contracts.routing import (
    OverdueDigest,
    RequestRouted,
    RequestUnroutable,
    StatusChanged,
)
from shared.contracts.visits import VisitCancelled, VisitChanged, VisitScheduled

__all__ = ["PUBLISHES", "consumes"]

PUBLISHES: Final[tuple[type[BaseModel], ...]] = (
    NotificationDelivered,
    NotificationFailed,
    ReopenAsked,
    AccessAnswered,
    ErasureAnswered,
    CorrectionAnswered,
)

_Handle = Callable[[AsyncConnection, Sequence[Any], handlers.Ports], Awaitable[AfterCommit]]


def consumes(ports: handlers.Ports) -> tuple[Route, ...]:
    def bound(
        handle: _Handle,
    ) -> Callable[[AsyncConnection, Sequence[Any]], Awaitable[AfterCommit]]:
        async def apply(conn: AsyncConnection, items: Sequence[Received[Any]]) -> AfterCommit:
            return await handle(conn, items, ports)

        return apply

    async def nothing(conn: AsyncConnection, items: Sequence[Received[RequestUnroutable]]) -> None:
        """Unroutable requests wait for triage; the resident hears when one is routed."""

    async def joined(conn: AsyncConnection, items: Sequence[Received[FollowerJoined]]) -> None:
        """A resident joined to a request hears its updates from now on (unless their address
        was erased since they joined: erasures.py)."""
        for item in items:
            joined = item.data
            addresses = [
                (a, joined.joined_at) for a in (joined.resident.phone, joined.resident.email) if a
            ]
            if await erasures.erased_before(conn, ports.identifiers, addresses):
                continue
            await followers.add(conn, joined.reference, joined.resident, joined.joined_at)

    return (
        on(RequestLogged, bound(handlers.on_logged)),
        on(RequestRouted, bound(handlers.on_routed)),
        on(RequestUnroutable, nothing),
        on(StatusChanged, bound(handlers.on_status_changed)),
        on(FollowerJoined, joined),
        on(OverdueDigest, bound(digests.on_digest)),
        on(VisitScheduled, bound(handlers.on_visit)),
        on(VisitChanged, bound(handlers.on_visit)),
        on(VisitCancelled, bound(handlers.on_visit)),
        on(AccessRequested, bound(privacy.on_access)),
        on(ErasureRequested, bound(privacy.on_erasure)),
        on(CorrectionRequested, bound(privacy.on_correction)),
    )
