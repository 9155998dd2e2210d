"""What the field app reads of the visits intake knows."""

from __future__ import annotations

import datetime as dt

from pydantic import AwareDatetime, BaseModel, Field

from shared.contracts.visits import VisitStatus

__all__ = ["VisitView"]


class VisitView(BaseModel):
    """A visit of the Mobile Office, as the field app needs it to preselect today's."""

    id: str
    status: VisitStatus
    area: str
    community: str
    venue: str
    date: dt.date
    starts_at: AwareDatetime | None = Field(description="Local time; none if only cancelled.")
    ends_at: AwareDatetime | None
