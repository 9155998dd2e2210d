"""Updates on the bus: the requests residents hear about, as intake logs them and routing
moves them."""

from __future__ import annotations

from services.notifications.deps import NotificationsDeps
from services.notifications.store import Conn
from services.notifications.updates import handlers
from shared.consumer import Batch, Route, on
from shared.contracts.requests import RequestLogged
from shared.contracts.routing import RequestRouted, RequestUnroutable, StatusChanged
from shared.use_case import bind

__all__ = ["consumes"]


async def _nothing(conn: Conn, items: Batch[RequestUnroutable]) -> None:
    """Unroutable requests wait for triage; the resident hears when one is routed."""


def consumes(deps: NotificationsDeps) -> tuple[Route, ...]:
    return (
        on(RequestLogged, bind(handlers.on_logged, deps)),
        on(RequestRouted, bind(handlers.on_routed, deps)),
        on(RequestUnroutable, _nothing),
        on(StatusChanged, bind(handlers.on_status_changed, deps)),
    )
