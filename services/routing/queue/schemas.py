"""The work queue's views: a request as the queue lists it, for machines (`QueueItem`) and
on the pages (`row`, `local`, `map_link`); what the list page's query asks for
(`list_filter`), the choices it offers and its page links."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Final
from urllib.parse import quote_plus, urlencode

from pydantic import AwareDatetime, Field

from services.routing.decisions.schemas import TriageItem
from services.routing.queue import texts
from services.routing.queue.domain import PAGE_SIZE, Order, PageSession, QueueFilter, overdue, scope
from services.routing.work.domain import OPEN, RoutedRequest
from services.routing.work.handlers import NoteReport
from shared.clock import CAPE_TOWN
from shared.contracts.common import Area, RequestStatus
from shared.contracts.routing import Priority
from shared.reference import InvalidReference, parse
from shared.refusals import Invalid

__all__ = [
    "OVERDUE",
    "SORTS",
    "QueueItem",
    "filter_choices",
    "list_filter",
    "local",
    "map_link",
    "note_only",
    "page_links",
    "queue_link",
    "reference_sought",
    "row",
    "target_hours",
]


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


# --- the list page's filters, order and links ------------------------------------------------


def list_filter(
    session: PageSession,
    selects: list[tuple[str, str, list[tuple[str, str]]]],
    asked: dict[str, str],
    community: str,
    q: str,
) -> tuple[QueueFilter, Order, list[str]]:
    """What the list's query asks for, scoped to the session's team: (the filter, the order,
    what was asked that is not one of the choices, in words)."""
    choices = {name: (label, dict(options)) for name, label, options in selects}
    valid = {name: value for name, value in asked.items() if value in choices[name][1]}
    unknown = [
        f"{choices[name][0]} '{value}' is not one of the choices"
        for name, value in asked.items()
        if value and name not in valid
    ]
    digits, wrong = reference_sought(q)
    unknown += [f"the reference '{q.strip()}': {wrong}"] if wrong else []
    late = valid.get("status") == OVERDUE
    chosen = QueueFilter(
        valid.get("department"),
        valid.get("area"),
        " ".join(community.split()) or None,
        valid.get("category"),
        None if late else valid.get("status"),
        valid.get("priority"),
        overdue=late,
        reference=digits,
    )
    order = Order(valid.get("sort", Order.DUE))
    return scope(chosen, session.team, session.role), order, unknown


SORTS: Final = [
    (Order.DUE.value, "soonest due first"),
    (Order.NEWEST.value, "newest first"),
    (Order.UPDATED.value, "recently updated first"),
]


def reference_sought(text: str) -> tuple[str | None, str | None]:
    """(the digits a reference starts with, or None; why the text is not a reference)."""
    digits = re.sub(r"[\s\-]", "", text)
    if not digits:
        return None, None
    if not digits.isascii() or not digits.isdigit():
        return None, "a reference number has digits only (spaces and dashes allowed)"
    if len(digits) < 10:
        return digits, None  # the start of one: every reference that starts so
    try:
        return parse(digits), None
    except InvalidReference as wrong:
        return None, str(wrong)


def page_links(current: int, total: int, chosen: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """The page links: (what it says, where it goes, whether it is the current page): the
    first, the last, and the pages around the current one."""
    count = max(1, -(-total // PAGE_SIZE))
    if count == 1:
        return []
    numbers = sorted({1, count, *range(max(1, current - 3), min(count, current + 3) + 1)})
    links: list[tuple[str, str, bool]] = []
    if current > 1:
        links.append(("Previous", queue_link(chosen, page=str(current - 1)), False))
    for before, number in zip([0, *numbers], numbers, strict=False):
        if number - before > 1:
            links.append(("…", "", False))
        links.append((str(number), queue_link(chosen, page=str(number)), number == current))
    if current < count:
        links.append(("Next", queue_link(chosen, page=str(current + 1)), False))
    return links


OVERDUE: Final = "overdue"  # in the status filter: the open requests past their due time


def filter_choices(operator: bool) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """Each filter: its name, its label and its choices (value, what the page shows)."""
    statuses = [(s.value, texts.status_name(s)) for s in RequestStatus]
    selects = [
        ("area", "Area", [(a.value, a.value) for a in Area]),
        ("category", "Category", sorted(texts.CATEGORY_NAMES.items(), key=lambda c: c[1])),
        ("status", "Status", [(OVERDUE, "Overdue (open, past due)"), *statuses]),
        ("priority", "Priority", list(texts.PRIORITY_NAMES.items())),
    ]
    if operator:
        departments = sorted(texts.DEPARTMENT_NAMES.items(), key=lambda d: d[1])
        selects.append(("department", "Department", departments))
    return [*selects, ("sort", "Sort", SORTS)]


def queue_link(chosen: dict[str, Any], **changed: str) -> str:
    """The queue's address with the filters `chosen`, some of them `changed`."""
    skipped = ("overdue", "reference")  # in `status` and `q`
    values = {k: v for k, v in {**chosen, **changed}.items() if v and k not in skipped}
    if values.get("sort") == Order.DUE.value:
        del values["sort"]
    return "/queue/?" + urlencode(values)


# --- the request page's forms -------------------------------------------------------------


def target_hours(request: RoutedRequest) -> int:
    """The request's current service standard, in hours from when it was logged (120 when
    it has none yet)."""
    if request.due_at is None:
        return 120
    hours = round((request.due_at - request.logged_at).total_seconds() / 3600)
    return min(max(hours, 1), 24 * 90)


def note_only(reference: str, session: PageSession, form: dict[str, Any]) -> NoteReport:
    """A save with "no change" as its status: a note for the team, nothing else."""
    note = str(form.get("note", "")).strip()
    if not note:
        raise Invalid("write a note, or choose a new status", "note")
    if len(note) > 1000:
        raise Invalid("is longer than 1,000 characters", "note")
    if form.get("cause"):
        raise Invalid("a cause goes with resolving or closing: choose that status", "cause")
    if form.get("public") == "true":
        raise Invalid(
            "the resident sees a note only with a new status: choose one, or untick "
            "'Show the note to the resident'",
            "public",
        )
    return NoteReport(reference, session.team, note, by=session.name)
