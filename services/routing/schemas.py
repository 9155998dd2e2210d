"""Routing's HTTP contract (CONTRACT.md section 4)."""

from __future__ import annotations

from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from services.routing.rulebook import RuleSpec
from shared.contracts.common import Line, RequestStatus, Text
from shared.contracts.routing import Priority

__all__ = [
    "Assignment",
    "DepartmentView",
    "NewRule",
    "Retirement",
    "RuleView",
    "StatusReport",
    "TriageItem",
]


class DepartmentView(BaseModel):
    slug: str
    name: str
    topic: str = Field(description="The Kafka topic its assignments are published on.")


class RuleView(RuleSpec):
    id: int


class NewRule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rule: RuleSpec
    reason: Text = Field(min_length=3, max_length=500, description="Why: kept in the audit trail.")


class Retirement(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Text = Field(min_length=3, max_length=500)


class StatusReport(BaseModel):
    """A department team's progress report."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    status: RequestStatus
    note: Text | None = Field(None, max_length=1000, description="Shown to the resident.")


class Assignment(BaseModel):
    """An operator's triage: which department takes a request no rule matched."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    department: str
    priority: Priority = Priority.NORMAL
    target_hours: int = Field(120, ge=1, le=24 * 90)
    note: Line | None = Field(None, max_length=500)


class TriageItem(BaseModel):
    reference: str
    category: str
    area: str
    community: str
    description: str
    location: dict[str, Any]
    status: RequestStatus
    logged_at: AwareDatetime
