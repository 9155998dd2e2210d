"""Subscriptions on the bus: scheduling's visits, told to their communities' subscribers."""

from __future__ import annotations

from services.notifications.deps import NotificationsDeps
from services.notifications.subscriptions.handlers import on_visit
from shared.consumer import Route, on
from shared.contracts.visits import VisitCancelled, VisitChanged, VisitScheduled
from shared.use_case import bind

__all__ = ["consumes"]


def consumes(deps: NotificationsDeps) -> tuple[Route, ...]:
    return (
        on(VisitScheduled, bind(on_visit, deps)),
        on(VisitChanged, bind(on_visit, deps)),
        on(VisitCancelled, bind(on_visit, deps)),
    )
