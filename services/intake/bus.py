"""Intake on the bus: it publishes each logged request (through its outbox) and reads what
keeps residents' follow-ups current."""

from __future__ import annotations

from typing import Final

from pydantic import BaseModel

from services.intake import handlers, privacy, visits
from shared.consumer import Route, each, on
from shared.contracts.privacy import (
    AccessAnswered,
    AccessRequested,
    CorrectionAnswered,
    CorrectionRequested,
    ErasureAnswered,
    ErasureRequested,
)
from shared.contracts.requests import FollowerJoined, ReopenAsked, RequestLogged
from shared.contracts.routing import RequestRouted, RequestUnroutable, StatusChanged
from shared.contracts.visits import VisitCancelled, VisitChanged, VisitScheduled

__all__ = ["CONSUMES", "PUBLISHES"]

PUBLISHES: Final[tuple[type[BaseModel], ...]] = (
    RequestLogged,
    ReopenAsked,
    FollowerJoined,
    AccessRequested,
    ErasureRequested,
    CorrectionRequested,
)

CONSUMES: Final[tuple[Route, ...]] = (
    on(RequestRouted, each(handlers.on_routed)),
    on(RequestUnroutable, each(handlers.on_unroutable)),
    on(StatusChanged, each(handlers.on_status_changed)),
    on(VisitScheduled, each(visits.on_visit_announced)),
    on(VisitChanged, each(visits.on_visit_announced)),
    on(VisitCancelled, each(visits.on_visit_cancelled)),
    on(AccessAnswered, each(privacy.on_answered)),
    on(ErasureAnswered, each(privacy.on_answered)),
    on(CorrectionAnswered, each(privacy.on_answered)),
)
