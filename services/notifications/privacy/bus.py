"""Privacy on the bus: residents' access, erasure and correction requests in, notifications'
answers out."""

from __future__ import annotations

from typing import Final

from pydantic import BaseModel

from services.notifications.deps import NotificationsDeps
from services.notifications.privacy import handlers
from shared.consumer import Route, on
from shared.contracts.privacy import (
    ANSWER_EVENTS,
    AccessRequested,
    CorrectionRequested,
    ErasureRequested,
)
from shared.use_case import bind

__all__ = ["PUBLISHES", "consumes"]

PUBLISHES: Final[tuple[type[BaseModel], ...]] = ANSWER_EVENTS


def consumes(deps: NotificationsDeps) -> tuple[Route, ...]:
    return (
        on(AccessRequested, bind(handlers.on_access, deps)),
        on(ErasureRequested, bind(handlers.on_erasure, deps)),
        on(CorrectionRequested, bind(handlers.on_correction, deps)),
    )
