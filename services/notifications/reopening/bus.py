"""Reopening on the bus: a resident's NOT FIXED goes to routing as `request.reopen_asked`,
their FIXED as `request.fixed_confirmed`."""

from __future__ import annotations

from typing import Final

from pydantic import BaseModel

from shared.contracts.requests import FixedConfirmed, ReopenAsked

__all__ = ["PUBLISHES"]

PUBLISHES: Final[tuple[type[BaseModel], ...]] = (ReopenAsked, FixedConfirmed)
