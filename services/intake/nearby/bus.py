"""A resident joined to a request is announced (with their contact details) on the bus."""

from __future__ import annotations

from typing import Final

from pydantic import BaseModel

from shared.contracts.requests import FollowerJoined

__all__ = ["PUBLISHES"]

PUBLISHES: Final[tuple[type[BaseModel], ...]] = (FollowerJoined,)
