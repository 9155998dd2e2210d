"""The work queue's views: a request as the queue lists it, for machines (`QueueItem`) and
on the pages (`row`, `local`, `map_link`)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote_plus

from pydantic import AwareDatetime, Field

from services.routing.decisions.schemas import TriageItem
from services.routing.queue.domain import overdue
from services.routing.work.domain import OPEN, RoutedRequest
from shared.clock import CAPE_TOWN
from shared.contracts.routing import Priority

__all__ = ["QueueItem", "local", "map_link", "row"]


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


def local(when: dt.datetime | None) -> str:
    return when.astimezone(CAPE_TOWN).strftime("%Y-%m-%d %H:%M") if when else "no standard"


def map_link(request: RoutedRequest) -> str:
    lat, lon = request.location.get("lat"), request.location.get("lon")
    if lat is not None and lon is not None:
        return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=18/{lat}/{lon}"
    where = f"{request.location.get('address') or ''} {request.community}, Cape Town"
    return f"https://www.openstreetmap.org/search?query={quote_plus(where.strip())}"


def row(request: RoutedRequest, now: dt.datetime) -> dict[str, Any]:
    return {
        "reference": request.reference,
        "due": local(request.due_at),
        "overdue": overdue(request, now),
        "status": request.status.value,
        "priority": request.priority.value if request.priority else "",
        "category": request.category,
        "description": request.description,
        "community": request.community,
        "area": request.area.value,
        "department": request.department or "",
        "reopened": request.reopened_at is not None and request.status.value in OPEN,
    }
