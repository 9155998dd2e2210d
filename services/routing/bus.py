"""Routing on the bus: it reads every logged request and publishes, through its outbox, each
department's work on `mo.dept.<department>`, its decisions on `mo.requests.routed` and
departments' progress on `mo.requests.status`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncConnection

from services.routing import handlers, privacy, progress, queue_store
from shared.consumer import AfterCommit, Received, Route, on
from shared.contracts.privacy import AccessAnswered, ErasureAnswered
from shared.contracts.requests import FollowerJoined, ReopenAsked, RequestLogged
from shared.contracts.routing import (
    OverdueDigest,
    RequestAssigned,
    RequestOverdue,
    RequestRouted,
    RequestUnroutable,
    StatusChanged,
)
from shared.topics import privacy_answers

__all__ = ["PUBLISHES", "consumes"]

FROM_NOTIFICATIONS: Final = privacy_answers("notifications")

PUBLISHES: Final[tuple[type[BaseModel], ...]] = (
    RequestAssigned,
    RequestRouted,
    RequestUnroutable,
    StatusChanged,
    RequestOverdue,
    OverdueDigest,
    AccessAnswered,
    ErasureAnswered,
)


def consumes(ports: handlers.Ports) -> tuple[Route, ...]:
    async def logged(
        conn: AsyncConnection, items: Sequence[Received[RequestLogged]]
    ) -> AfterCommit:
        return await handlers.apply_logged(conn, items, ports)

    async def reopen(conn: AsyncConnection, items: Sequence[Received[ReopenAsked]]) -> AfterCommit:
        return await progress.apply_reopen(conn, items, ports)

    async def joined(conn: AsyncConnection, items: Sequence[Received[FollowerJoined]]) -> None:
        """Counted, so the department sees how many residents a request affects."""
        for item in items:
            await queue_store.join(conn, item.data.reference, item.data.joined_at)

    return (
        on(RequestLogged, logged),
        on(ReopenAsked, reopen),
        on(FollowerJoined, joined),
        # Routing starts its part from notifications' answer (references, no identifier):
        # it never reads the privacy requests themselves.
        on(AccessAnswered, privacy.on_access_answered, topics=[FROM_NOTIFICATIONS]),
        on(ErasureAnswered, privacy.on_erasure_answered, topics=[FROM_NOTIFICATIONS]),
    )
