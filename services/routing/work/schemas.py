"""Departments' progress reports, as HTTP bodies."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from services.routing.work.domain import Closure, Verdict
from shared.contracts.common import Line, RequestStatus, Text
from shared.contracts.routing import Cause

__all__ = ["StatusReport"]


class StatusReport(BaseModel):
    """A department team's progress report."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    status: RequestStatus
    note: Text | None = Field(None, max_length=1000, description="What the team did or found.")
    public: bool = Field(
        False,
        description="Show the note on the resident's follow-up page (never shown if it holds "
        "a phone number or an e-mail address). Internal by default.",
    )
    cause: Cause | None = Field(
        None,
        description="Required to resolve or close: fixed, no-further-action (with `reason`), "
        "not-responsible (with `responsible`), duplicate (with `duplicate_of`) or referred.",
    )
    reason: Text | None = Field(
        None,
        max_length=300,
        description="Why no further action; for declining an application, the code of one "
        "of its service's decline reasons (required).",
    )
    responsible: Line | None = Field(None, max_length=120, description="Who is responsible.")
    duplicate_of: str | None = Field(
        None, pattern=r"^\d{10}$", description="An open or resolved request of the same category."
    )
    missing: list[Annotated[str, Field(max_length=60)]] = Field(
        default_factory=list,
        max_length=20,
        description="For more_information_needed (required): the codes of the application's "
        "papers or questions the resident must still bring (GET /v1/services on intake).",
    )
    valid_until: dt.date | None = Field(
        None,
        description="For approved: until when it holds; the service's months from today when "
        "left out (none for a service approved until the next valuation).",
    )

    @property
    def closure(self) -> Closure:
        reason = None if self.status is RequestStatus.DECLINED else self.reason
        return Closure(self.cause, reason, self.responsible, self.duplicate_of)

    @property
    def verdict(self) -> Verdict:
        """For an application: `reason` is the code of one of its decline reasons."""
        declined = self.status is RequestStatus.DECLINED
        return Verdict(
            missing=tuple(self.missing),
            decline_reason=self.reason if declined else None,
            valid_until=self.valid_until,
        )
