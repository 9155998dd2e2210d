"""The service standards report, as an HTTP view."""

from __future__ import annotations

from pydantic import BaseModel, Field

__all__ = ["StandingView"]


class StandingView(BaseModel):
    """One department's record on one category's requests received in the month."""

    department: str
    category: str
    received: int = Field(description="Requests of the month routed to the department.")
    resolved_within: int = Field(description="Of those, resolved by their due time.")
    share_within: float | None = Field(description="resolved_within / received (0 to 1).")
    median_hours: float | None = Field(description="Median hours to the first resolution.")
    p90_hours: float | None = Field(description="90th percentile hours to resolution.")
    open_past_due: int = Field(description="Still open and past their due time.")
