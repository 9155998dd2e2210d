"""Residents' privacy requests go out to every service; their answers come back."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from pydantic import BaseModel

from services.intake.privacy import handlers
from shared.consumer import Route, on
from shared.contracts.privacy import (
    AccessAnswered,
    AccessRequested,
    CorrectionAnswered,
    CorrectionRequested,
    ErasureAnswered,
    ErasureRequested,
)
from shared.use_case import bind

if TYPE_CHECKING:
    from services.intake.deps import IntakeDeps

__all__ = ["PUBLISHES", "consumes"]

PUBLISHES: Final[tuple[type[BaseModel], ...]] = (
    AccessRequested,
    ErasureRequested,
    CorrectionRequested,
)


def consumes(deps: IntakeDeps) -> tuple[Route, ...]:
    return (
        on(AccessAnswered, bind(handlers.on_answered, deps)),
        on(ErasureAnswered, bind(handlers.on_answered, deps)),
        on(CorrectionAnswered, bind(handlers.on_answered, deps)),
    )
