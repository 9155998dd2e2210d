"""The work queue's views: a request as the queue lists it, for machines (`QueueItem`) and
on the pages (`row`, `local`, `map_link`); what the list page's query asks for
(`list_filter`), the choices it offers and its page links."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Final
from urllib.parse import parse_qsl, quote_plus, urlencode, urlsplit

from pydantic import AwareDatetime, Field

from services.routing.decisions.schemas import TriageItem
from services.routing.queue import texts
from services.routing.queue.domain import PAGE_SIZE, Order, PageSession, QueueFilter, overdue, scope
from services.routing.queue.handlers import QueuePageRead
from services.routing.work.domain import OPEN, RoutedRequest
from services.routing.work.handlers import NoteReport
from shared.clock import CAPE_TOWN
from shared.contracts.common import Area, RequestStatus
from shared.contracts.routing import Priority
from shared.credentials import Role
from shared.reference import InvalidReference, parse
from shared.refusals import Invalid

__all__ = [
    "LIST",
    "OVERDUE",
    "SORTS",
    "QueueItem",
    "back_to",
    "filter_choices",
    "list_filter",
    "list_values",
    "local",
    "map_link",
    "note_only",
    "page_links",
    "queue_link",
    "reference_sought",
    "row",
    "shown_filter",
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
        "service": request.service,  # an application's
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
    what was asked that is not one of the choices, in words). A reference that is not one
    (`reference_sought`) seeks nothing: the caller says so and searches nothing."""
    choices = {name: (label, dict(options)) for name, label, options in selects}
    valid = {name: value for name, value in asked.items() if value in choices[name][1]}
    unknown = [
        f"{choices[name][0]} '{value}' is not one of the choices"
        for name, value in asked.items()
        if value and name not in valid
    ]
    digits, _ = reference_sought(q)  # a misheard one is said beside the search box
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
        ("area", "Area", [(a.value, a.value.capitalize()) for a in Area]),
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


LIST: Final = "/queue/"


def shown_filter(chosen: QueueFilter, order: Order, q: str, role: Role) -> dict[str, Any]:
    """The filter as the page shows it and its links keep it."""
    shown: dict[str, Any] = {name: getattr(chosen, name) for name in QueueFilter.__slots__}
    status_shown = OVERDUE if chosen.overdue else chosen.status
    shown |= {"status": status_shown, "sort": order.value, "q": q.strip()}
    if role is not Role.OPERATOR:
        shown["department"] = None  # a team's own: not a filter it chose
    return shown


def back_to(asked: str) -> str:
    """The list a request's page links back to: `asked` when it is the queue's list with its
    query, else the list itself, so the link never leads off this site (no open redirect)."""
    parts = urlsplit(asked)
    if parts.scheme or parts.netloc or parts.path != LIST or parts.fragment:
        return LIST
    return LIST + ("?" + urlencode(parse_qsl(parts.query)) if parts.query else "")


def list_values(
    read: QueuePageRead, shown: dict[str, Any], now: dt.datetime, operator: bool
) -> dict[str, Any]:
    """What the list page shows of what the queue's read found: the rows, the count and the
    page links (above the rows and below them), and where each row's link comes back to."""
    first = (read.page - 1) * PAGE_SIZE + 1
    here = queue_link(shown, page=str(read.page) if read.page > 1 else "")
    return {
        "items": [row(r, now) for r in read.found],
        "total": read.total,
        "first": first if read.found else 0,
        "last": first + len(read.found) - 1,
        "pages": page_links(read.page, read.total, shown),
        "page_number": read.page,
        "page_count": max(1, -(-read.total // PAGE_SIZE)),
        "jump_keep": parse_qsl(queue_link(shown).split("?", 1)[1]),
        "sorted_by": dict(SORTS)[shown["sort"]],
        "overdue": read.overdue,
        "overdue_link": queue_link(shown, status=OVERDUE, page=""),
        "clear_search": queue_link(shown, q="", page=""),
        "back": urlencode({"back": here}),
        "chosen": shown,
        "operator": operator,
        "triage": read.triage,
        "elsewhere": texts.whereabouts(read.elsewhere),
    }


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
    for field in ("missing", "valid_until", "decline_reason"):
        if form.get(field):
            raise Invalid("goes with deciding the application: choose that status", field)
    if form.get("public") == "true":
        raise Invalid(
            "the resident sees a note only with a new status: choose one, or untick "
            "'Show the note to the resident'",
            "public",
        )
    return NoteReport(reference, session.team, note, by=session.name)
