"""The work queue's rules: who sees which requests, and when one is overdue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Final

from services.routing.work.domain import OPEN, RoutedRequest
from shared.auth import Caller
from shared.contracts.common import RequestStatus
from shared.credentials import Role
from shared.refusals import Refusal

__all__ = [
    "LASTS",
    "PAGE_SIZE",
    "NotSignedIn",
    "Order",
    "PageSession",
    "QueueFilter",
    "RequestFile",
    "Step",
    "held_elsewhere",
    "member_of",
    "overdue",
    "queue_key",
    "scope",
]

LASTS: Final = dt.timedelta(hours=10)  # a page session lasts a working day; then sign in again


@dataclass(frozen=True, slots=True)
class QueueFilter:
    department: str | None = None  # None: every department (operators)
    area: str | None = None
    community: str | None = None
    category: str | None = None
    status: str | None = None  # None: the open ones
    priority: str | None = None
    overdue: bool = False  # only the open ones past their due time
    reference: str | None = None  # the references starting with these digits, any status


class Order(StrEnum):
    """How the queue's page sorts: soonest due (reopened ones first), newest logged, or most
    recently updated."""

    DUE = "due"
    NEWEST = "newest"
    UPDATED = "updated"


PAGE_SIZE: Final = 50


@dataclass(frozen=True, slots=True)
class Step:
    status: str
    at: datetime
    by: str
    note: str | None


def queue_key(request: RoutedRequest) -> list[str]:
    """Where a request stands in the queue: soonest due first, then by reference."""
    due = request.due_at.isoformat() if request.due_at else "9999"
    return [due, request.reference]


class NotSignedIn(Refusal):
    """A credential that does not open a session (unknown, revoked, expired, another role)."""

    status, code = 401, "unauthenticated"


@dataclass(frozen=True, slots=True)
class PageSession:
    """A person signed in to the queue's pages, for their team. `name` is the credential's
    holder: a team's shared credential is held by the team (`water-and-sanitation`), a team
    member's own by the person at the team (`thandeka@water-and-sanitation`)."""

    name: str
    role: Role
    csrf: str

    @property
    def team(self) -> str:
        """The department (or `operators`) the session works for."""
        return member_of(self.name)[1]

    @property
    def reader(self) -> Caller:
        """Who reads, as the audit names them and as access is decided: the team."""
        return Caller(self.team, self.role)


def member_of(holder: str) -> tuple[str | None, str]:
    """(the person, the team) a credential's holder names: `thandeka@water-and-sanitation`
    is Thandeka at Water and Sanitation; `water-and-sanitation` alone is the team's shared
    credential, no one in particular."""
    person, at, team = holder.rpartition("@")
    return (person, team) if at and person else (None, holder)


@dataclass(frozen=True, slots=True)
class RequestFile:
    request: RoutedRequest
    history: list[Step]
    duplicates: list[str]
    affected: int  # residents: its own, those joined to it, and those of its duplicates
    cause: str | None = None  # why it was resolved or closed, the latest time


def scope(chosen: QueueFilter, team: str, role: Role) -> QueueFilter:
    """A department's view is its own requests whatever it asks; an operator's is any."""
    if role is Role.OPERATOR:
        return chosen
    return replace(chosen, department=team)


def held_elsewhere(
    chosen: QueueFilter, sought: RoutedRequest | None
) -> tuple[str | None, RequestStatus] | None:
    """Who holds a whole reference a team sought and did not find among its own (its
    department, None for the operators; its status), so the team knows it exists and whom to
    ask rather than thinking the resident misheard it. Nothing else of it: it is not theirs."""
    if sought is None or sought.department == chosen.department:
        return None
    return sought.department, sought.status


def overdue(request: RoutedRequest, now: dt.datetime) -> bool:
    return bool(request.due_at and request.due_at < now and request.status.value in OPEN)
