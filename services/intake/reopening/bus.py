"""A resident's "not fixed" goes to routing, which decides."""

from __future__ import annotations

from typing import Final

from pydantic import BaseModel

from shared.contracts.requests import ReopenAsked

__all__ = ["PUBLISHES"]

PUBLISHES: Final[tuple[type[BaseModel], ...]] = (ReopenAsked,)
