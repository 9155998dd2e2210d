"""What a routing decision amounts to: the request's new state and the events' data that
announce it. Pure: no I/O, so the batch consumer and an operator's hand assignment build the
same events the same way."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Final

from pydantic import BaseModel

from services.routing.rules.domain import Rule, due_at
from services.routing.work.domain import RoutedRequest
from shared.contracts.common import Area, RequestStatus, UpdatesBy
from shared.contracts.requests import Answer, Location, PaperSeen, RequestLogged
from shared.contracts.routing import (
    Priority,
    RequestAssigned,
    RequestRouted,
    RequestUnroutable,
    RoutingOutcome,
)
from shared.heat_cells import heat_cell
from shared.service_catalogue import Service

__all__ = ["Decision", "DecisionKind", "RequestFacts", "decision", "with_decision_days"]


@dataclass(frozen=True, slots=True)
class RequestFacts:
    """What routing knows of a request: never the resident's contact details."""

    reference: str
    category: str
    area: Area
    community: str
    description: str
    location: Location
    resident_contactable: bool
    logged_at: datetime
    service: str | None = None  # an application's: its answers are for the deciding department
    answers: dict[str, Answer] | None = None
    papers: dict[str, PaperSeen] | None = None
    channel: str | None = None  # how it came: visit, field-app, open311 (None: not said)
    agent: str | None = None  # who logged it, and at which visit: the operators' workload
    visit_id: str | None = None

    @property
    def cell(self) -> str | None:
        """The H3 level-7 cell of its place, when it has one: all the figures keep of it."""
        return heat_cell(self.location.lat, self.location.lon)

    @classmethod
    def from_logged(cls, logged: RequestLogged) -> RequestFacts:
        resident = logged.resident
        return cls(
            reference=logged.reference,
            category=logged.category,
            area=logged.location.area,
            community=logged.location.community,
            description=logged.description,
            location=logged.location,
            resident_contactable=resident is not None and resident.updates_by is not UpdatesBy.NONE,
            logged_at=logged.logged_at,
            service=logged.service,
            answers=logged.answers,
            papers=logged.papers,
            channel=logged.channel,
            agent=logged.agent,
            visit_id=logged.visit_id,
        )

    @classmethod
    def of(cls, request: RoutedRequest) -> RequestFacts:
        return cls(
            reference=request.reference,
            category=request.category,
            area=request.area,
            community=request.community,
            description=request.description,
            location=Location.model_validate(request.location),
            resident_contactable=request.resident_contactable,
            logged_at=request.logged_at,
            service=request.service,
            answers=request.answers,
            papers=request.papers,
        )


class DecisionKind(StrEnum):
    """What became of a request, as the decisions metric counts it (its `outcome` label)."""

    ROUTED = "routed"
    REFERRED = "referred"
    UNROUTABLE = "unroutable"
    MANUAL = "manual"  # an operator's assignment


@dataclass(frozen=True, slots=True)
class Decision:
    status: RequestStatus
    kind: DecisionKind
    note: str | None = None
    department: str | None = None
    priority: Priority | None = None
    due_at: datetime | None = None
    rule_id: int | None = None
    announcements: list[BaseModel] = field(default_factory=list)
    """The events' data, each about the request (its subject)."""


def decision(
    facts: RequestFacts, rule: Rule | None, now: datetime, note: str | None = None
) -> Decision:
    """The decision `rule` makes for the request; None as rule means no rule matched.

    Its events are built with model_construct: every value comes from validated models, and
    tests check that each event built here validates against its contract."""
    if rule is None:
        return _unroutable(facts, now)
    if rule.refer_note is not None:
        return _referral(facts, rule, rule.refer_note, now)
    return _assignment(facts, rule, now, note)


def _assignment(facts: RequestFacts, rule: Rule, now: datetime, note: str | None) -> Decision:
    assert rule.department is not None
    due = due_at(facts.logged_at, rule)
    assigned = RequestAssigned.model_construct(
        reference=facts.reference,
        category=facts.category,
        description=facts.description,
        location=facts.location,
        department=rule.department,
        priority=rule.priority,
        due_at=due,
        resident_contactable=facts.resident_contactable,
        logged_at=facts.logged_at,
        note=note,
    )
    routed = _routed(
        facts,
        RoutingOutcome.ROUTED,
        now,
        department=rule.department,
        priority=rule.priority,
        due=due,
    )
    return Decision(
        status=RequestStatus.ROUTED,
        kind=DecisionKind.ROUTED,
        note=note,
        department=rule.department,
        priority=rule.priority,
        due_at=due,
        rule_id=rule.id,
        announcements=[assigned, routed],
    )


def _referral(facts: RequestFacts, rule: Rule, note: str, now: datetime) -> Decision:
    routed = _routed(facts, RoutingOutcome.REFERRED, now, note=note)
    return Decision(
        status=RequestStatus.REFERRED,
        kind=DecisionKind.REFERRED,
        note=note,
        rule_id=rule.id,
        announcements=[routed],
    )


_STATUS: Final = {
    RoutingOutcome.ROUTED: RequestStatus.ROUTED,
    RoutingOutcome.REFERRED: RequestStatus.REFERRED,
}


def _routed(
    facts: RequestFacts,
    outcome: RoutingOutcome,
    now: datetime,
    *,
    department: str | None = None,
    priority: Priority | None = None,
    due: datetime | None = None,
    note: str | None = None,
) -> RequestRouted:
    """The `request.routed` news: routed to a department (its priority, when due) or referred
    away (the note says to whom)."""
    return RequestRouted.model_construct(
        reference=facts.reference,
        category=facts.category,
        area=facts.area,
        community=facts.community,
        outcome=outcome,
        status=_STATUS[outcome],
        department=department,
        priority=priority,
        due_at=due,
        note=note,
        decided_at=now,
    )


def _unroutable(facts: RequestFacts, now: datetime) -> Decision:
    reason = (
        f"no routing rule for category {facts.category} in {facts.community} ({facts.area.value})"
    )
    unroutable = RequestUnroutable(
        reference=facts.reference,
        category=facts.category,
        area=facts.area,
        community=facts.community,
        reason=reason,
        decided_at=now,
    )
    return Decision(
        status=RequestStatus.UNROUTABLE,
        kind=DecisionKind.UNROUTABLE,
        note=reason,
        announcements=[unroutable],
    )


def with_decision_days(rule: Rule | None, service: Service | None) -> Rule | None:
    """The rule an application is placed by: its category's department and priority, and as
    its standard the days to a decision its service promises, not the hours to fix a fault."""
    if rule is None or service is None or rule.department is None:
        return rule
    return replace(rule, target_hours=service.decision_days * 24)
