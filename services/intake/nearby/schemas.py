"""What the nearby search answers, and what joining a resident to a request takes."""

from __future__ import annotations

from typing import Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from services.intake.requests.schemas import Resident
from shared.contracts.common import RequestStatus, UpdatesBy

__all__ = ["Following", "NearbyView"]


class NearbyView(BaseModel):
    """An open request of the same category nearby: maybe the resident's problem already."""

    reference: str
    category: str
    community: str
    status: RequestStatus
    description: str
    distance_m: float | None = Field(description="Metres away, where both have coordinates.")
    created_at: AwareDatetime


class Following(BaseModel):
    """The body of POST /v1/requests/{reference}/followers."""

    model_config = ConfigDict(extra="forbid")

    resident: Resident = Field(description="How the joining resident hears the updates.")

    @model_validator(mode="after")
    def _reachable(self) -> Self:
        if self.resident.updates_by is UpdatesBy.NONE:
            raise ValueError("a follower wants updates: updates_by sms or email")
        return self
