"""A routed request and its progress, as pure rules: who may read it, which status changes are
legal, and what resolving or closing needs (a cause, and what that cause needs)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared.auth import Caller
from shared.contracts.common import Area, RequestStatus
from shared.contracts.routing import Cause, Priority
from shared.credentials import Role
from shared.refusals import Refusal

__all__ = [
    "DONE",
    "OPEN",
    "TRANSITIONS",
    "Closure",
    "NotTheirs",
    "RoutedRequest",
    "check_reader",
    "closure_refusal",
    "transition_refusal",
]

_S = RequestStatus
OPEN: tuple[str, ...] = (_S.ROUTED.value, _S.ACKNOWLEDGED.value, _S.IN_PROGRESS.value)
"""The statuses of a request a department is still working on."""
DONE: tuple[str, ...] = (_S.RESOLVED.value, _S.CLOSED.value)


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
    _S.ROUTED: frozenset({_S.ACKNOWLEDGED, _S.IN_PROGRESS, _S.RESOLVED, _S.CLOSED, _S.REFERRED}),
    _S.ACKNOWLEDGED: frozenset({_S.IN_PROGRESS, _S.RESOLVED, _S.CLOSED, _S.REFERRED}),
    _S.IN_PROGRESS: frozenset({_S.RESOLVED, _S.CLOSED, _S.REFERRED}),
    _S.RESOLVED: frozenset({_S.CLOSED, _S.IN_PROGRESS}),  # a resident may say it is not fixed
    _S.CLOSED: frozenset(),
    _S.REFERRED: frozenset(),
    _S.LOGGED: frozenset(),
    _S.UNROUTABLE: frozenset(),
}
"""What a department may report next. Reaching `routed` is routing's own doing."""


def transition_refusal(current: RequestStatus, new: RequestStatus) -> str | None:
    """Why `current` cannot become `new`, or None when it can."""
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
