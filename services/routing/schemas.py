"""Routing's HTTP contract: the bodies it takes and the views it gives (docs/interface.md)."""

from __future__ import annotations

from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from services.routing.domain import Closure, Rule
from services.routing.rules import RuleSpec
from services.routing.store import RoutedRequest
from shared.contracts.common import Line, RequestStatus, Text
from shared.contracts.routing import Cause, Priority

__all__ = [
    "Assignment",
    "DepartmentView",
    "NewRule",
    "QueueItem",
    "Retirement",
    "RuleChange",
    "RuleView",
    "StandingView",
    "StatusReport",
    "TriageItem",
]


class DepartmentView(BaseModel):
    slug: str
    name: str
    topic: str = Field(description="The Kafka topic its assignments are published on.")


class RuleView(RuleSpec):
    id: int

    @classmethod
    def from_rule(cls, rule: Rule) -> RuleView:
        return cls(
            id=rule.id or 0,
            category=rule.category,
            area=rule.area,
            community=rule.community,
            keywords=list(rule.keywords),
            department=rule.department,
            refer=rule.refer_note,
            priority=rule.priority,
            target_hours=rule.target_hours,
            escalate_after_hours=rule.escalate_after_hours,
        )


class RuleChange(BaseModel):
    """One entry of the rules' audit trail."""

    rule_id: int
    action: str = Field(description="seed, create or retire.")
    by: str = Field(description="Who changed it: an operator's team, or the seed file.")
    reason: str
    at: AwareDatetime
    rule: dict[str, Any] = Field(description="The rule as it was.")


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

    @classmethod
    def from_request(cls, request: RoutedRequest) -> TriageItem:
        return cls(
            reference=request.reference,
            category=request.category,
            area=request.area.value,
            community=request.community,
            description=request.description,
            location=request.location,
            status=request.status,
            logged_at=request.logged_at,
        )


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


class QueueItem(TriageItem):
    """A request in a team's work queue (`GET /v1/queue`), soonest due first."""

    department: str | None
    priority: Priority | None
    due_at: AwareDatetime | None
    overdue: bool = Field(description="Open and past its due time (the service standard).")
    updated_at: AwareDatetime

    @classmethod
    def of(cls, request: RoutedRequest, overdue: bool) -> QueueItem:
        return cls(
            **TriageItem.from_request(request).model_dump(),
            department=request.department,
            priority=request.priority,
            due_at=request.due_at,
            overdue=overdue,
            updated_at=request.updated_at,
        )
