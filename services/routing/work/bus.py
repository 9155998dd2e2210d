"""The work on the bus: residents' "not fixed" reopens a request, their "fixed" is kept;
departments' progress goes out on `mo.requests.status`."""

from __future__ import annotations

from typing import Final

from pydantic import BaseModel

from services.routing.deps import RoutingDeps
from services.routing.work.handlers import confirm_fixed, reopen
from shared.consumer import Route, on
from shared.contracts.requests import FixedConfirmed, ReopenAsked
from shared.contracts.routing import StatusChanged
from shared.use_case import bind

__all__ = ["PUBLISHES", "consumes"]

PUBLISHES: Final[tuple[type[BaseModel], ...]] = (StatusChanged,)


def consumes(deps: RoutingDeps) -> tuple[Route, ...]:
    return (on(ReopenAsked, bind(reopen, deps)), on(FixedConfirmed, bind(confirm_fixed, deps)))
