"""Requests on the bus: each logged request is published (through the outbox), and routing's
decisions and departments' progress keep residents' follow-ups current."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from pydantic import BaseModel

from services.intake.requests import handlers
from shared.consumer import Route, on
from shared.contracts.requests import RequestLogged
from shared.contracts.routing import RequestRouted, RequestUnroutable, StatusChanged
from shared.use_case import bind

if TYPE_CHECKING:
    from services.intake.deps import IntakeDeps

__all__ = ["PUBLISHES", "consumes"]

PUBLISHES: Final[tuple[type[BaseModel], ...]] = (RequestLogged,)


def consumes(deps: IntakeDeps) -> tuple[Route, ...]:
    return (
        on(RequestRouted, bind(handlers.on_routing_news, deps)),
        on(RequestUnroutable, bind(handlers.on_routing_news, deps)),
        on(StatusChanged, bind(handlers.on_routing_news, deps)),
    )
