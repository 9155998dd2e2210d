"""Attachments on the bus: what intake says was attached (mobileoffice.request.
attachment_added.v1) is kept; a photo a department made public goes out on
`mo.requests.status` (mobileoffice.request.photo_made_public.v1)."""

from __future__ import annotations

from typing import Final

from pydantic import BaseModel

from services.routing.attachments.handlers import keep_attachments
from services.routing.deps import RoutingDeps
from shared.consumer import Route, on
from shared.contracts.requests import AttachmentAdded
from shared.contracts.routing import PhotoMadePublic
from shared.use_case import bind

__all__ = ["PUBLISHES", "consumes"]

PUBLISHES: Final[tuple[type[BaseModel], ...]] = (PhotoMadePublic,)


def consumes(deps: RoutingDeps) -> tuple[Route, ...]:
    return (on(AttachmentAdded, bind(keep_attachments, deps)),)
