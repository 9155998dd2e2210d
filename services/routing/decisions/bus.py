"""The decisions on the bus: every logged request is decided, and the decision published
(each department's work on `mo.dept.<department>`, the decision on `mo.requests.routed`)."""

from __future__ import annotations

from typing import Final

from pydantic import BaseModel

from services.routing.decisions.handlers import decide_logged
from services.routing.deps import RoutingDeps
from shared.consumer import Route, on
from shared.contracts.requests import RequestLogged
from shared.contracts.routing import RequestAssigned, RequestRouted, RequestUnroutable
from shared.use_case import bind

__all__ = ["PUBLISHES", "consumes"]

PUBLISHES: Final[tuple[type[BaseModel], ...]] = (
    RequestAssigned,
    RequestRouted,
    RequestUnroutable,
)


def consumes(deps: RoutingDeps) -> tuple[Route, ...]:
    return (on(RequestLogged, bind(decide_logged, deps)),)
