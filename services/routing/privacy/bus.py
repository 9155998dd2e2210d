"""Routing's part of residents' privacy requests on the bus: it starts from notifications'
answer (references, no identifier), never reading the privacy requests themselves, and
answers on `mo.privacy.answers.routing`."""

from __future__ import annotations

from typing import Final

from pydantic import BaseModel

from services.routing.deps import RoutingDeps
from services.routing.privacy.handlers import answer_access, answer_erasure
from shared.consumer import Route, on
from shared.contracts.privacy import AccessAnswered, ErasureAnswered
from shared.topics import privacy_answers
from shared.use_case import bind

__all__ = ["PUBLISHES", "consumes"]

FROM_NOTIFICATIONS: Final = privacy_answers("notifications")
PUBLISHES: Final[tuple[type[BaseModel], ...]] = (AccessAnswered, ErasureAnswered)


def consumes(deps: RoutingDeps) -> tuple[Route, ...]:
    return (
        on(AccessAnswered, bind(answer_access, deps), topics=[FROM_NOTIFICATIONS]),
        on(ErasureAnswered, bind(answer_erasure, deps), topics=[FROM_NOTIFICATIONS]),
    )
