"""The visits scheduling announces, which requests may be logged at."""

from __future__ import annotations

from services.intake.visits import handlers
from shared.consumer import Route, on
from shared.contracts.visits import VisitCancelled, VisitChanged, VisitScheduled
from shared.use_case import Deps, bind

__all__ = ["consumes"]


def consumes(deps: Deps) -> tuple[Route, ...]:
    return (
        on(VisitScheduled, bind(handlers.on_visit_announced, deps)),
        on(VisitChanged, bind(handlers.on_visit_announced, deps)),
        on(VisitCancelled, bind(handlers.on_visit_cancelled, deps)),
    )
