"""The work queue's rules: who sees which requests, and when one is overdue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

from services.routing.queue.store import QueueFilter, Step
from services.routing.store import OPEN, RoutedRequest
from shared.credentials import Role
from shared.refusals import Refusal

__all__ = [
    "LASTS",
    "Forbidden",
    "NotSignedIn",
    "PageSession",
    "RequestFile",
    "overdue",
    "scope",
]

LASTS: Final = dt.timedelta(hours=10)  # a page session lasts a working day; then sign in again


class Forbidden(Refusal):
    status, code = 403, "forbidden"


class NotSignedIn(Refusal):
    """A credential that does not open a session (unknown, revoked, expired, another role)."""

    status, code = 401, "unauthenticated"


@dataclass(frozen=True, slots=True)
class PageSession:
    """A person signed in to the queue's pages, for their team."""

    name: str
    role: Role
    csrf: str


@dataclass(frozen=True, slots=True)
class RequestFile:
    request: RoutedRequest
    history: list[Step]
    duplicates: list[str]
    affected: int  # residents: its own, those joined to it, and those of its duplicates


def scope(chosen: QueueFilter, team: str, role: Role) -> QueueFilter:
    """A department's view is its own requests whatever it asks; an operator's is any."""
    if role is Role.OPERATOR:
        return chosen
    return QueueFilter(
        team, chosen.area, chosen.community, chosen.category, chosen.status, chosen.priority
    )


def overdue(request: RoutedRequest, now: dt.datetime) -> bool:
    return bool(request.due_at and request.due_at < now and request.status.value in OPEN)
