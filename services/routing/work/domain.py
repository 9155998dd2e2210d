"""A routed request and its progress, as pure rules: who may read it, which status changes are
legal, and what resolving or closing needs (a cause, and what that cause needs)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from shared.auth import Caller
from shared.contracts.common import Area, RequestStatus
from shared.contracts.requests import PaperSeen
from shared.contracts.routing import Cause, Priority
from shared.credentials import Role
from shared.refusals import Refusal
from shared.service_catalogue import Service

__all__ = [
    "DECISIONS",
    "DONE",
    "OPEN",
    "TRANSITIONS",
    "Closure",
    "NotTheirs",
    "RoutedRequest",
    "Verdict",
    "check_reader",
    "closure_refusal",
    "decided",
    "months_after",
    "transition_refusal",
    "verdict_refusal",
]

_S = RequestStatus
OPEN: tuple[str, ...] = (
    _S.ROUTED.value,
    _S.ACKNOWLEDGED.value,
    _S.IN_PROGRESS.value,
    _S.MORE_INFORMATION_NEEDED.value,
)
"""The statuses of a request a department is still working on."""
DECISIONS: frozenset[RequestStatus] = frozenset(
    {_S.MORE_INFORMATION_NEEDED, _S.APPROVED, _S.DECLINED, _S.WITHDRAWN}
)
"""What only an application becomes: papers asked for, then the City's decision."""
DONE: tuple[str, ...] = tuple(
    s.value for s in (_S.RESOLVED, _S.CLOSED, *sorted(DECISIONS - {_S.MORE_INFORMATION_NEEDED}))
)
"""The statuses that end the work a service standard measures: resolving, closing, deciding."""


@dataclass(frozen=True, slots=True)
class RoutedRequest:
    reference: str
    category: str
    area: Area
    community: str
    description: str
    location: dict[str, Any]
    resident_contactable: bool
    status: RequestStatus
    department: str | None
    priority: Priority | None
    due_at: datetime | None
    logged_at: datetime
    updated_at: datetime
    reopened_at: datetime | None = None
    service: str | None = None  # an application's (intake's catalogue)
    answers: dict[str, Any] | None = None  # its answers: personal, for its department
    papers: dict[str, PaperSeen] | None = None  # its papers seen in person or to be brought
    missing: list[str] | None = None  # its verdict so far (Verdict)
    decline_reason: str | None = None
    appeal_by: date | None = None
    valid_until: date | None = None


class NotTheirs(Refusal):
    """A team that is neither the request's department nor the operators: a 403."""

    status, code = 403, "forbidden"


def check_reader(request: RoutedRequest, reader: Caller) -> None:
    """Only the request's department and the operators read a request (its file, its
    attachments): NotTheirs for any other team."""
    if reader.role is not Role.OPERATOR and request.department != reader.name:
        raise NotTheirs(f"request {request.reference} belongs to another department")


TRANSITIONS: dict[RequestStatus, frozenset[RequestStatus]] = {
    # Closing at once, with its cause, is for what will not be worked on (a duplicate, not
    # the City's, no further action); work that was done is resolved first.
    _S.ROUTED: frozenset(
        {_S.ACKNOWLEDGED, _S.IN_PROGRESS, _S.RESOLVED, _S.CLOSED, _S.REFERRED, *DECISIONS}
    ),
    _S.ACKNOWLEDGED: frozenset({_S.IN_PROGRESS, _S.RESOLVED, _S.CLOSED, _S.REFERRED, *DECISIONS}),
    _S.IN_PROGRESS: frozenset({_S.RESOLVED, _S.CLOSED, _S.REFERRED, *DECISIONS}),
    _S.RESOLVED: frozenset({_S.CLOSED, _S.IN_PROGRESS}),  # a resident may say it is not fixed
    _S.CLOSED: frozenset(),
    _S.REFERRED: frozenset(),
    _S.LOGGED: frozenset(),
    _S.UNROUTABLE: frozenset(),
    # The resident brings the papers (in progress again), or more are asked for, or it is
    # decided; a decision is final here (an appeal goes to the City's appeal process).
    _S.MORE_INFORMATION_NEEDED: frozenset({_S.IN_PROGRESS, _S.CLOSED, *DECISIONS}),
    _S.APPROVED: frozenset(),
    _S.DECLINED: frozenset(),
    _S.WITHDRAWN: frozenset(),
}
"""What a department may report next. Reaching `routed` is routing's own doing."""


def transition_refusal(
    current: RequestStatus, new: RequestStatus, application: bool = False
) -> str | None:
    """Why `current` cannot become `new`, or None when it can (for an application, or a
    fault report)."""
    if not application and (new in DECISIONS or current in DECISIONS):
        return f"only an application can become {new.value}: a fault report is resolved or closed"
    if application and RequestStatus.RESOLVED in (current, new):
        return "an application is decided (approved, declined or withdrawn), not resolved"
    if new in TRANSITIONS[current]:
        return None
    if current is RequestStatus.UNROUTABLE:
        return "the request is waiting for triage: an operator must assign it first"
    allowed = ", ".join(sorted(s.value for s in TRANSITIONS[current])) or "nothing (final)"
    return f"a request that is {current.value} cannot become {new.value}; it can become {allowed}"


@dataclass(frozen=True, slots=True)
class Closure:
    """Why a request is resolved or closed, as the department reports it."""

    cause: Cause | None = None
    reason: str | None = None  # no-further-action: why not
    responsible: str | None = None  # not-responsible: who is
    duplicate_of: str | None = None  # duplicate: the request it repeats

    @property
    def detail(self) -> str | None:
        return self.reason if self.cause is Cause.NO_FURTHER_ACTION else self.responsible


_ENDINGS = frozenset({RequestStatus.RESOLVED, RequestStatus.CLOSED})
_NEEDS: dict[Cause, tuple[str, str]] = {
    Cause.NO_FURTHER_ACTION: ("reason", "say why no further action will be taken"),
    Cause.NOT_RESPONSIBLE: ("responsible", "say who is responsible, so the resident can go there"),
    Cause.DUPLICATE: ("duplicate_of", "give the reference of the request this one repeats"),
}


def closure_refusal(status: RequestStatus, closure: Closure) -> tuple[str, str] | None:
    """(field, why) when a report's cause does not fit its status, or None when it does:
    resolving or closing needs a cause (and what that cause needs); nothing else takes one."""
    if status not in _ENDINGS:
        if closure.cause is not None:
            return "cause", f"only resolving or closing takes a cause, not {status.value}"
        return None
    if closure.cause is None:
        causes = ", ".join(c.value for c in Cause)
        return "cause", f"is required to {status.value} a request: one of {causes}"
    needed = _NEEDS.get(closure.cause)
    if needed is not None and not getattr(closure, needed[0]):
        return needed[0], f"is required for {closure.cause.value}: {needed[1]}"
    return None


@dataclass(frozen=True, slots=True)
class Verdict:
    """What deciding an application says beyond its status: the papers or answers still
    missing, why it was declined and until when it may be appealed, until when an approval
    holds."""

    missing: tuple[str, ...] = ()
    decline_reason: str | None = None
    valid_until: date | None = None
    appeal_by: date | None = None


def verdict_refusal(
    status: RequestStatus, service: Service, verdict: Verdict
) -> tuple[str, str] | None:
    """(field, why) when what is said does not fit the status or the service, or None."""
    papers = {d.code for d in service.documents} | {q.code for q in service.questions}
    papers |= {a.code for d in service.documents for a in d.alternatives}
    reasons = [r.code for r in service.decline_reasons]
    if status is _S.MORE_INFORMATION_NEEDED:
        if not verdict.missing:
            return "missing", "is required: the papers or answers the resident must still bring"
        if unknown := sorted(set(verdict.missing) - papers):
            return "missing", f"{', '.join(unknown)} is not a paper or question of {service.code}"
    elif verdict.missing:
        return "missing", "only more_information_needed takes what is missing"
    if status is _S.DECLINED and verdict.decline_reason not in reasons:
        return "reason", f"is required to decline: one of {', '.join(reasons)}"
    if status is not _S.APPROVED and verdict.valid_until is not None:
        return "valid_until", "only an approval holds until a date"
    return None


def decided(
    status: RequestStatus, service: Service, verdict: Verdict, today: date, appeal_days: int
) -> Verdict:
    """The verdict as recorded: an approval holds for the service's months unless the team
    says until when; a decline may be appealed for `appeal_days`."""
    if status is _S.APPROVED and verdict.valid_until is None and service.valid_for_months:
        return replace(verdict, valid_until=months_after(today, service.valid_for_months))
    if status is _S.DECLINED:
        return replace(verdict, appeal_by=today + timedelta(days=appeal_days))
    return verdict


def months_after(day: date, months: int) -> date:
    """The same day `months` later (the month's last day where that month is shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
