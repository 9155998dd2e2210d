"""Digests on the bus: routing's daily list of a department's escalated requests."""

from __future__ import annotations

from services.notifications.deps import NotificationsDeps
from services.notifications.digests.handlers import on_digest
from shared.consumer import Route, on
from shared.contracts.routing import OverdueDigest
from shared.use_case import bind

__all__ = ["consumes"]


def consumes(deps: NotificationsDeps) -> tuple[Route, ...]:
    return (on(OverdueDigest, bind(on_digest, deps)),)
