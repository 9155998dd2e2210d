"""The work queue, for people: server-rendered pages at /queue/ with no script at all. A team
signs in with its credential and gets a session cookie; it sees its open requests soonest due
first, overdue ones marked, filters them, opens one and moves it on with a note and, to
resolve or close it, a cause. Operators see every department and the triage list, and assign.
Every form carries the session's CSRF token, and a sign-in sent from another site is refused
(queue/adapters.py)."""
# No `from __future__ import annotations`: FastAPI resolves the dependencies at definition.

import re
from typing import Annotated, Any, Final
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Cookie, Form, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from services.routing.decisions import handlers as decisions
from services.routing.decisions.schemas import Assignment
from services.routing.deps import RoutingDeps, UseCasesDep
from services.routing.queue import handlers, schemas, words
from services.routing.queue.adapters import COOKIE, FOLDER, cross_site, door, keep_cookie, page
from services.routing.queue.domain import (
    PAGE_SIZE,
    Forbidden,
    NotSignedIn,
    Order,
    PageSession,
    QueueFilter,
    overdue,
    scope,
)
from services.routing.work import handlers as work
from services.routing.work.domain import TRANSITIONS, RoutedRequest
from services.routing.work.schemas import StatusReport
from shared.auth import PUBLIC, Caller
from shared.catalogue import DEPARTMENT_SLUGS
from shared.contracts.common import Area, RequestStatus
from shared.contracts.routing import Cause, Priority
from shared.credentials import Role
from shared.http import ApiError, parse_reference
from shared.limits import client_address
from shared.reference import InvalidReference, parse
from shared.refusals import Invalid, Refusal
from shared.use_case import UseCases

__all__ = ["router"]

SIGN_IN: Final = "/queue/sign-in"
TEAMS: Final = (Role.DEPARTMENT, Role.OPERATOR)

router = APIRouter(prefix="/queue", include_in_schema=False)
team = door(*TEAMS, sign_in=SIGN_IN)
team_form = door(*TEAMS, form=True, sign_in=SIGN_IN)
operator_form = door(Role.OPERATOR, form=True, sign_in=SIGN_IN)


@router.get("", dependencies=[PUBLIC])
async def queue_root() -> RedirectResponse:
    return RedirectResponse("/queue/")


@router.get("/styles.css", dependencies=[PUBLIC])
async def styles() -> FileResponse:
    return FileResponse(FOLDER / "styles.css", media_type="text/css; charset=utf-8")


@router.get("/sign-in", dependencies=[PUBLIC])
async def sign_in_page() -> HTMLResponse:
    return page("sign_in.html")


@router.post("/sign-in", dependencies=[PUBLIC])
async def sign_in(
    request: Request, credential: Annotated[str, Form(max_length=200)], use_cases: UseCasesDep
) -> Response:
    """Anyone may try, from this site's own page; wrong credentials count like unknown
    references (then 429)."""
    if cross_site(request):
        return page("sign_in.html", 403, error="sign in from this site's own sign-in page")
    client = client_address(request)
    sign_ins = use_cases.deps.sign_ins
    sign_ins.refuse_if_waiting(client, "too_many_sign_ins", "too many wrong credentials")
    try:
        asked = handlers.SignIn(credential.strip(), frozenset(TEAMS))
        cookie, _ = await use_cases.run(handlers.sign_in, asked)
    except NotSignedIn as refused:
        sign_ins.missed(client)
        return page("sign_in.html", refused.status, error=str(refused))
    response = RedirectResponse("/queue/", status_code=303)
    keep_cookie(response, request, cookie)
    return response


@router.post("/sign-out")
async def sign_out(
    _: Annotated[PageSession, team_form],
    use_cases: UseCasesDep,
    mo_session: Annotated[str | None, Cookie()] = None,
) -> RedirectResponse:
    await use_cases.run(handlers.sign_out, handlers.SignOut(mo_session))
    response = RedirectResponse(SIGN_IN, status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/")
async def work_queue(
    session: Annotated[PageSession, team],
    use_cases: UseCasesDep,
    area: Annotated[str, Query(max_length=20)] = "",
    community: Annotated[str, Query(max_length=100)] = "",
    category: Annotated[str, Query(max_length=40)] = "",
    status: Annotated[str, Query(max_length=20)] = "",
    priority: Annotated[str, Query(max_length=10)] = "",
    department: Annotated[str, Query(max_length=60)] = "",
    q: Annotated[str, Query(max_length=40)] = "",
    sort: Annotated[str, Query(max_length=10)] = "",
    page_number: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    operator = session.role is Role.OPERATOR
    selects = _selects(operator)
    asked = {"area": area, "category": category, "status": status, "priority": priority}
    asked |= {"sort": sort} | ({"department": department} if operator else {})
    chosen, order, unknown = _filter(session, selects, asked, community, q)
    asking = handlers.QueuePage(chosen, reader(session), order, page_number)
    read = await use_cases.run(handlers.queue_page, asking)
    now = use_cases.deps.clock()
    items = [schemas.row(r, now) for r in read.found]
    shown: dict[str, Any] = {name: getattr(chosen, name) for name in QueueFilter.__slots__}
    status_shown = OVERDUE if chosen.overdue else chosen.status
    shown |= {"status": status_shown, "sort": order.value, "q": q.strip()}
    if not operator:
        shown["department"] = None  # a team's own: not a filter it chose
    first = (read.page - 1) * PAGE_SIZE + 1
    return page(
        "list.html",
        400 if unknown else 200,
        session=session,
        heading="Every department"
        if operator
        else f"{words.department_name(session.team)}: open requests",
        items=items,
        total=read.total,
        first=first if items else 0,
        last=first + len(items) - 1,
        pages=_pages(read.page, read.total, shown),
        page_number=read.page,
        page_count=max(1, -(-read.total // PAGE_SIZE)),
        jump_keep=parse_qsl(_link(shown).split("?", 1)[1]),
        sorted_by=dict(SORTS)[order.value],
        overdue=read.overdue,
        overdue_link=_link(shown, status=OVERDUE, page=""),
        selects=selects,
        chosen=shown,
        operator=operator,
        triage=read.triage,
        error=f"Not filtered by that: {'; '.join(unknown)}." if unknown else "",
    )


def _filter(
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
    digits, wrong = _reference_sought(q)
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


def _reference_sought(text: str) -> tuple[str | None, str | None]:
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


def _pages(current: int, total: int, chosen: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """The page links: (what it says, where it goes, whether it is the current page): the
    first, the last, and the pages around the current one."""
    count = max(1, -(-total // PAGE_SIZE))
    if count == 1:
        return []
    numbers = sorted({1, count, *range(max(1, current - 3), min(count, current + 3) + 1)})
    links: list[tuple[str, str, bool]] = []
    if current > 1:
        links.append(("Previous", _link(chosen, page=str(current - 1)), False))
    for before, number in zip([0, *numbers], numbers, strict=False):
        if number - before > 1:
            links.append(("…", "", False))
        links.append((str(number), _link(chosen, page=str(number)), number == current))
    if current < count:
        links.append(("Next", _link(chosen, page=str(current + 1)), False))
    return links


OVERDUE: Final = "overdue"  # in the status filter: the open requests past their due time


def _selects(operator: bool) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """Each filter: its name, its label and its choices (value, what the page shows)."""
    statuses = [(s.value, words.status_name(s)) for s in RequestStatus]
    selects = [
        ("area", "Area", [(a.value, a.value) for a in Area]),
        ("category", "Category", sorted(words.CATEGORY_NAMES.items(), key=lambda c: c[1])),
        ("status", "Status", [(OVERDUE, "Overdue (open, past due)"), *statuses]),
        ("priority", "Priority", list(words.PRIORITY_NAMES.items())),
    ]
    if operator:
        departments = sorted(words.DEPARTMENT_NAMES.items(), key=lambda d: d[1])
        selects.append(("department", "Department", departments))
    return [*selects, ("sort", "Sort", SORTS)]


def _link(chosen: dict[str, Any], **changed: str) -> str:
    """The queue's address with the filters `chosen`, some of them `changed`."""
    skipped = ("overdue", "reference")  # in `status` and `q`
    values = {k: v for k, v in {**chosen, **changed}.items() if v and k not in skipped}
    if values.get("sort") == Order.DUE.value:
        del values["sort"]
    return "/queue/?" + urlencode(values)


async def _show(
    use_cases: UseCases[RoutingDeps],
    session: PageSession,
    reference: str,
    status: int = 200,
    typed: dict[str, Any] | None = None,
    assigning: dict[str, Any] | None = None,
    **notes: str,
) -> HTMLResponse:
    """The request's page; after a refused save, with what was typed in the status form
    (`typed`) or chosen in the assign form (`assigning`) kept."""
    file = await use_cases.run(
        handlers.request_file, handlers.FileQuery(reference, reader(session))
    )
    now = use_cases.deps.clock()
    r = file.request
    mine = session.role is Role.DEPARTMENT and r.department == session.team
    operator = session.role is Role.OPERATOR
    assignable = r.status in (RequestStatus.UNROUTABLE, RequestStatus.ROUTED)
    return page(
        "request.html",
        status,
        session=session,
        r=r,
        due=schemas.local(r.due_at),
        overdue=overdue(r, now),
        map_link=schemas.map_link(r),
        history=file.history,
        duplicates=file.duplicates,
        affected=file.affected,
        next_statuses=[s.value for s in RequestStatus if s in TRANSITIONS[r.status]]
        if mine
        else [],
        local=schemas.local,
        causes=[c.value for c in Cause],
        assignable=operator and assignable,
        departments=sorted(DEPARTMENT_SLUGS),
        priorities=[p.value for p in Priority],
        target_hours=_target_hours(r),
        typed=typed or {},
        assigning=assigning or {},
        **notes,
    )


SAVED: Final = {  # the confirmation after a save (POST, then a redirect here, then GET)
    "note": "Saved: your note is in the history. The status stays as it was.",
    "status": "Saved: the request's status is changed, with your note.",
    "assigned": "Assigned: the request is with the department shown below.",
}


def _target_hours(request: RoutedRequest) -> int:
    """The request's current service standard, in hours from when it was logged (120 when
    it has none yet)."""
    if request.due_at is None:
        return 120
    hours = round((request.due_at - request.logged_at).total_seconds() / 3600)
    return min(max(hours, 1), 24 * 90)


@router.get("/requests/{reference}")
async def request_page(
    reference: str,
    session: Annotated[PageSession, team],
    use_cases: UseCasesDep,
    saved: Annotated[str, Query(max_length=20)] = "",
) -> HTMLResponse:
    try:
        done = SAVED.get(saved, "")
        return await _show(use_cases, session, parse_reference(reference), done=done)
    except Forbidden as refused:
        raise ApiError(403, "forbidden", str(refused)) from None


@router.post("/requests/{reference}/status")
async def move_on(
    reference: str,
    request: Request,
    session: Annotated[PageSession, team_form],
    use_cases: UseCasesDep,
) -> Response:
    canonical = parse_reference(reference)
    form = await _filled(request)
    try:
        if not form.get("status"):  # "no change": a note only, the status stays
            await use_cases.run(work.add_note, _note_only(canonical, session, form))
            return _saved(canonical, "note")
        report = StatusReport.model_validate({**form, "public": form.get("public") == "true"})
        progress = work.ProgressReport(
            canonical,
            session.team,
            report.status,
            report.note,
            report.public,
            report.closure,
            by=session.name,
        )
        await use_cases.run(work.report_status, progress)
    except (ValidationError, Refusal) as refused:
        status, why = _why(refused, form.get("status", ""))
        error = f"Not saved: {why}. What you typed is still below."
        return await _show(use_cases, session, canonical, status, typed=form, error=error)
    return _saved(canonical, "status")


@router.post("/requests/{reference}/assign")
async def assign(
    reference: str,
    request: Request,
    session: Annotated[PageSession, operator_form],
    use_cases: UseCasesDep,
) -> Response:
    canonical = parse_reference(reference)
    form = await _filled(request)
    try:
        chosen = Assignment.model_validate(form)
        if chosen.department not in DEPARTMENT_SLUGS:
            raise Invalid("is not a department", "department")
        command = decisions.HandAssignment(
            canonical,
            chosen.department,
            chosen.priority,
            chosen.target_hours,
            chosen.note,
            session.name,
        )
        await use_cases.run(decisions.assign_by_hand, command)
    except (ValidationError, Refusal) as refused:
        status, why = _why(refused)
        error = f"Not assigned: {why}. What you chose is still below."
        return await _show(use_cases, session, canonical, status, assigning=form, error=error)
    return _saved(canonical, "assigned")


def _note_only(reference: str, session: PageSession, form: dict[str, Any]) -> work.NoteReport:
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
    return work.NoteReport(reference, session.team, note, by=session.name)


def reader(session: PageSession) -> Caller:
    """Who reads, as the audit names them and as access is decided: the session's team."""
    return Caller(session.team, session.role)


async def _filled(request: Request) -> dict[str, Any]:
    """The form's filled fields (an empty field is an absent one), without the CSRF token."""
    return {k: v for k, v in (await request.form()).items() if k != "csrf" and v != ""}


def _saved(reference: str, what: str) -> RedirectResponse:
    return RedirectResponse(f"/queue/requests/{reference}?saved={what}", status_code=303)


LABELS: Final = {  # the forms' fields, as their labels name them
    "status": "New status",
    "note": "Note",
    "public": "Show the note to the resident",
    "cause": "Cause",
    "reason": "Reason",
    "responsible": "Who is responsible",
    "duplicate_of": "Reference it repeats",
    "department": "Department",
    "priority": "Priority",
    "target_hours": "Target hours",
}
PLAIN: Final = {  # what a refusal of these fields asks the person to do, in plain words
    "department": "choose a Department",
    "reason": "write the reason no further action will be taken",
    "responsible": "say who is responsible, so the resident can go there",
    "duplicate_of": "give the 10-digit reference of another open or resolved request of the "
    "same category, the one this request repeats",
}


def _why(refused: ValidationError | Refusal, status: str = "") -> tuple[int, str]:
    """A refusal in plain words, naming the fields as the form labels them."""
    if isinstance(refused, ValidationError):
        said = [
            _plain(str(e["loc"][0]) if e["loc"] else "", e["msg"], status) for e in refused.errors()
        ]
        return 422, "; ".join(dict.fromkeys(said))
    return refused.status, _plain(refused.field or "", str(refused), status)


def _plain(field: str, why: str, status: str) -> str:
    if field == "cause" and status in ("resolved", "closed") and "required" in why:
        return f"choose a Cause: to mark it {status}, say why"
    if field in PLAIN and ("required" in why or field in ("duplicate_of", "department")):
        return PLAIN[field]
    return f"{LABELS[field]}: {why}" if field in LABELS else why
