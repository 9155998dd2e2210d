"""The standards on the bus: requests past due on `mo.requests.status`, and the supervisors'
daily digests."""

from __future__ import annotations

from typing import Final

from pydantic import BaseModel

from shared.contracts.routing import OverdueDigest, RequestOverdue

__all__ = ["PUBLISHES"]

PUBLISHES: Final[tuple[type[BaseModel], ...]] = (RequestOverdue, OverdueDigest)
