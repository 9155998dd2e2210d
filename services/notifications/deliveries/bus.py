"""Deliveries on the bus: what happened to each message goes on `mo.notifications` (no
addresses or texts); a message given up on also goes to the dead letters."""

from __future__ import annotations

from typing import Final

from pydantic import BaseModel

from shared.contracts.notifications import NotificationDelivered, NotificationFailed

__all__ = ["PUBLISHES"]

PUBLISHES: Final[tuple[type[BaseModel], ...]] = (NotificationDelivered, NotificationFailed)
