"""Scheduling on the bus: it announces visits on `mo.visits` (through its outbox) and reads
routing's decisions and departments' progress, which carry the community, to count the open
requests per community. It never reads `mo.requests.logged`: that topic carries residents'
contact details, and only routing and notifications read it."""

from __future__ import annotations

from typing import Final

from pydantic import BaseModel

from services.scheduling import handlers
from shared.consumer import Route, each, on
from shared.contracts.routing import RequestRouted, RequestUnroutable, StatusChanged
from shared.contracts.visits import VisitCancelled, VisitChanged, VisitScheduled

__all__ = ["CONSUMES", "PUBLISHES"]

PUBLISHES: Final[tuple[type[BaseModel], ...]] = (VisitScheduled, VisitChanged, VisitCancelled)

CONSUMES: Final[tuple[Route, ...]] = (
    on(RequestRouted, each(handlers.on_routed)),
    on(RequestUnroutable, each(handlers.on_unroutable)),
    on(StatusChanged, each(handlers.on_status_changed)),
)
