"""What public photos consume: a department's word that a photo may be seen by anyone."""

from __future__ import annotations

from typing import TYPE_CHECKING

from services.intake.photos import handlers
from shared.consumer import Route, on
from shared.contracts.routing import PhotoMadePublic
from shared.use_case import bind

if TYPE_CHECKING:
    from services.intake.deps import IntakeDeps

__all__ = ["consumes"]


def consumes(deps: IntakeDeps) -> tuple[Route, ...]:
    return (on(PhotoMadePublic, bind(handlers.on_photo_made_public, deps)),)
