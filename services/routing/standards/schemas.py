"""The service standards report, as an HTTP view."""

from __future__ import annotations

from pydantic import BaseModel, Field

__all__ = ["StandingView"]


class StandingView(BaseModel):
    """One department's record on one category's requests received in the month."""

    department: str
    category: str
    service: str | None = Field(
        description="An application's service (intake's GET /v1/services), counted apart "
        "from its category's fault reports (none); its standard is the days to a decision."
    )
    received: int = Field(description="Requests of the month routed to the department.")
    resolved_within: int = Field(description="Of those, resolved by their due time.")
    share_within: float | None = Field(description="resolved_within / received (0 to 1).")
    median_hours: float | None = Field(description="Median hours to the first resolution.")
    p90_hours: float | None = Field(description="90th percentile hours to resolution.")
    median_days: float | None = Field(description="median_hours in days (0.1 of a day).")
    p90_days: float | None = Field(description="p90_hours in days (0.1 of a day).")
    open_past_due: int = Field(description="Still open and past their due time.")
    outcomes: dict[str, int] = Field(
        description="For an application's service: how many were approved, declined and "
        "withdrawn (the rest are still being decided)."
    )
    resolved: int = Field(description="Of those received, resolved, closed or decided so far.")
    confirmed_fixed: int = Field(
        description="Of those resolved, how many residents confirmed fixed (replied FIXED to "
        "the SMS asking whether it was fixed)."
    )
    share_confirmed_fixed: float | None = Field(
        description="confirmed_fixed / resolved (0 to 1); none when none were resolved."
    )
    reopened: int = Field(
        description="Of those resolved, how many were reopened: a resident said NOT FIXED."
    )
    share_reopened: float | None = Field(
        description="reopened / resolved (0 to 1); none when none were resolved."
    )
    channels: dict[str, int] = Field(
        description="Those received, by the channel they came by: visit (the field app at a "
        "Mobile Office visit), field-app (outside a visit), open311 (a partner), unknown "
        "(routed before channels were recorded)."
    )


class FigureView(BaseModel):
    """How one group of the month's requests fared (the public page's row)."""

    group: str = Field(
        description="The department's slug, the category's code (an application's service "
        "code), the area, the channel or the month (YYYY-MM); `other` for the groups of "
        "fewer than 5 requests merged."
    )
    received: int
    resolved_within: int
    share_within: float | None
    median_hours: float | None
    p90_hours: float | None
    median_days: float | None
    p90_days: float | None
    open_past_due: int
    resolved: int
    confirmed_fixed: int
    share_confirmed_fixed: float | None
    reopened: int
    share_reopened: float | None
    channels: dict[str, int]


class FiguresView(BaseModel):
    """The public figures of a month (/standards/), as data: a group of fewer than 5
    requests is merged into `other` (and while `other` has fewer, the smallest group joins
    it); a heat cell of fewer is left out."""

    month: str
    departments: list[FigureView]
    categories: list[FigureView]
    areas: list[FigureView]
    channels: list[FigureView]
    months: list[FigureView] = Field(
        description="The month and the 12 before it, oldest first; a month with fewer than "
        "5 requests is left out."
    )
    cells: list[tuple[str, int]] = Field(
        description="H3 level-7 cells (about 5 km²) and the month's requests in each, "
        "busiest first; a cell of fewer than 5 is left out."
    )
