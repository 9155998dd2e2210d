"""The work queue on the bus: residents joined to a request (the department sees how many
it affects)."""

from __future__ import annotations

from services.routing.deps import RoutingDeps
from services.routing.queue.handlers import count_joined
from shared.consumer import Route, on
from shared.contracts.requests import FollowerJoined
from shared.use_case import bind

__all__ = ["consumes"]


def consumes(deps: RoutingDeps) -> tuple[Route, ...]:
    return (on(FollowerJoined, bind(count_joined, deps)),)
