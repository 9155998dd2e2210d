"""Contracts of `mo.visits`: the Mobile Office's visits to communities, keyed by visit id."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import AwareDatetime, Field

from shared.contracts.common import Area, Contract

__all__ = ["VisitCancelled", "VisitChanged", "VisitScheduled", "VisitStatus"]


class VisitStatus(StrEnum):
    """A visit is on, or it will not happen (a moved visit is still scheduled)."""

    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class VisitScheduled(Contract):
    """`mobileoffice.visit.scheduled.v1`: the office will be at a venue on a day."""

    visit_id: str = Field(description="Stable id of the visit.")
    area: Area = Field(description="Service-delivery area.")
    community: str = Field(description="The community visited.")
    venue: str = Field(description="Where: a community hall, library, clinic...")
    date: dt.date = Field(description="The day of the visit.")
    starts_at: AwareDatetime = Field(description="Session start (Africa/Johannesburg offset).")
    ends_at: AwareDatetime = Field(description="Session end.")
    team: str = Field(description="The team that staffs it.")


class VisitChanged(VisitScheduled):
    """`mobileoffice.visit.changed.v1`: a visit moved; the fields are its new values."""

    previous_date: dt.date = Field(description="The day it was planned for before.")
    reason: str | None = Field(None, description="Why it moved.")


class VisitCancelled(Contract):
    """`mobileoffice.visit.cancelled.v1`: a visit will not happen."""

    visit_id: str = Field(description="Id of the cancelled visit.")
    area: Area = Field(description="Service-delivery area.")
    community: str = Field(description="The community that was to be visited.")
    venue: str = Field(description="Where it was to be.")
    date: dt.date = Field(description="The day it was planned for.")
    reason: str | None = Field(None, description="Why it was cancelled.")
