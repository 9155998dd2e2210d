"""Departments' progress reports, as HTTP bodies."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from services.routing.work.domain import Closure
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
    reason: Text | None = Field(None, max_length=300, description="Why no further action.")
    responsible: Line | None = Field(None, max_length=120, description="Who is responsible.")
    duplicate_of: str | None = Field(
        None, pattern=r"^\d{10}$", description="An open or resolved request of the same category."
    )

    @property
    def closure(self) -> Closure:
        return Closure(self.cause, self.reason, self.responsible, self.duplicate_of)
