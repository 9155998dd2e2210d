"""Residents' privacy requests go out to every service; their answers come back."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from pydantic import BaseModel

from services.intake.privacy import handlers
from shared.consumer import Route, on
from shared.contracts.privacy import ANSWER_EVENTS, REQUEST_EVENTS
from shared.use_case import bind

if TYPE_CHECKING:
    from services.intake.deps import IntakeDeps

__all__ = ["PUBLISHES", "consumes"]

PUBLISHES: Final[tuple[type[BaseModel], ...]] = REQUEST_EVENTS


def consumes(deps: IntakeDeps) -> tuple[Route, ...]:
    """Every answer, whatever its kind."""
    return tuple(on(answer, bind(handlers.on_answered, deps)) for answer in ANSWER_EVENTS)
