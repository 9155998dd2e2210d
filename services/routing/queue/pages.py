"""The work queue, for people: server-rendered pages at /queue/ with no script at all. A team
signs in with its credential and gets a session cookie; it sees its open requests soonest due
first, overdue ones marked, filters them, opens one and moves it on with a note and, to
resolve or close it, a cause. Operators see every department and the triage list, and assign.
Every form carries the session's CSRF token, and a sign-in sent from another site is refused
(queue/adapters.py)."""
# No `from __future__ import annotations`: FastAPI resolves the dependencies at definition.

from typing import Annotated, Any, Final
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from services.routing.attachments import handlers as attachments
from services.routing.attachments.schemas import on_page
from services.routing.decisions import handlers as decisions
from services.routing.decisions.schemas import Assignment
from services.routing.deps import RoutingDeps, UseCasesDep
from services.routing.queue import adapters, domain, handlers, schemas, texts
from services.routing.queue.adapters import FOLDER, SITE, door, page
from services.routing.queue.domain import PageSession
from services.routing.work import handlers as work
from services.routing.work.domain import NotTheirs
from services.routing.work.schemas import StatusReport
from shared.auth import PUBLIC
from shared.catalogue import DEPARTMENT_SLUGS
from shared.clock import CAPE_TOWN
from shared.contracts.common import RequestStatus
from shared.contracts.routing import Cause, Priority
from shared.credentials import Role
from shared.http import parse_reference
from shared.refusals import Invalid, Refusal
from shared.use_case import UseCases

__all__ = ["router", "sign_in"]

TEAMS: Final = (Role.DEPARTMENT, Role.OPERATOR)

router = APIRouter(prefix="/queue", include_in_schema=False)
sign_in = SITE.router()  # /queue/sign-in, /queue/sign-out
team = door(*TEAMS)
team_form = door(*TEAMS, form=True)
operator_form = door(Role.OPERATOR, form=True)


@router.get("", dependencies=[PUBLIC])
async def queue_root() -> RedirectResponse:
    return RedirectResponse("/queue/")


@router.get("/styles.css", dependencies=[PUBLIC])
async def styles() -> FileResponse:
    return FileResponse(FOLDER / "styles.css", media_type="text/css; charset=utf-8")


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
) -> Response:
    operator = session.role is Role.OPERATOR
    selects = schemas.filter_choices(operator)
    asked = {"area": area, "category": category, "status": status, "priority": priority}
    asked |= {"sort": sort} | ({"department": department} if operator else {})
    chosen, order, unknown = schemas.list_filter(session, selects, asked, community, q)
    shown = schemas.shown_filter(chosen, order, q, session.role)
    _, misheard = schemas.reference_sought(q)
    if misheard:  # searching the rest would show rows the search did not find
        read = handlers.QueuePageRead([], None, 0, 0, 1)
    else:
        asking = handlers.QueuePage(chosen, session.reader, order, page_number)
        read = await use_cases.run(handlers.queue_page, asking)
    sought = chosen.reference or ""
    if len(sought) == 10 and read.total == 1 and not unknown:  # the very one: open it
        back = urlencode({"back": schemas.queue_link(shown, q="")})
        return RedirectResponse(f"/queue/requests/{sought}?{back}", status_code=303)
    return page(
        "list.html",
        400 if unknown or misheard else 200,
        session=session,
        selects=selects,
        heading=texts.list_heading(session.team, operator),
        misheard=f"The reference {q.strip()}: {misheard}." if misheard else "",
        error=f"Not filtered by that: {'; '.join(unknown)}." if unknown else "",
        services={s.code: s.name.en for s in use_cases.deps.catalogue.services},
        **schemas.list_values(read, shown, use_cases.deps.clock(), operator),
    )


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
    file = await use_cases.run(handlers.request_file, handlers.FileQuery(reference, session.reader))
    attached = await use_cases.run(attachments.attachments_of, reference)
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
        overdue=domain.overdue(r, now),
        map_link=schemas.map_link(r),
        history=texts.history_lines(file.history, r.status.value, file.cause),
        duplicates=file.duplicates,
        affected=file.affected,
        next_statuses=[s.value for s in domain.next_statuses(r)] if mine else [],
        app=domain.application(file, attached, now.astimezone(CAPE_TOWN).date()),
        local=schemas.local,
        causes=[c.value for c in Cause],
        assignable=operator and assignable,
        departments=sorted(DEPARTMENT_SLUGS),
        priorities=[p.value for p in Priority],
        target_hours=schemas.target_hours(r),
        typed=typed or {},
        assigning=assigning or {},
        **on_page(attached, publishes=mine),
        **notes,
    )


@router.get("/requests/{reference}")
async def request_page(
    reference: str,
    session: Annotated[PageSession, team],
    use_cases: UseCasesDep,
    saved: Annotated[str, Query(max_length=20)] = "",
    back: Annotated[str, Query(max_length=1000)] = "",
) -> HTMLResponse:
    canonical, back_link = parse_reference(reference), schemas.back_to(back)
    try:
        done = texts.SAVED.get(saved, "")
        return await _show(use_cases, session, canonical, done=done, back=back_link)
    except NotTheirs:
        # A page, not the API's JSON: the person needs words and a way back.
        error = texts.not_yours(canonical)
        return page("refused.html", 403, session=session, error=error, back=back_link)


@router.post("/requests/{reference}/status")
async def move_on(
    reference: str,
    request: Request,
    session: Annotated[PageSession, team_form],
    use_cases: UseCasesDep,
) -> Response:
    canonical = parse_reference(reference)
    form = await adapters.filled(request)
    back = schemas.back_to(str(form.pop("back", "")))
    try:
        if not form.get("status"):  # "no change": a note only, the status stays
            await use_cases.run(work.add_note, schemas.note_only(canonical, session, form))
            return _saved(canonical, "note", back)
        body = {**form, "public": form.get("public") == "true"}
        if (decline := body.pop("decline_reason", None)) and form["status"] != "declined":
            raise Invalid("goes with Declined: choose it, or (not declining)", "decline_reason")
        report = StatusReport.model_validate(body | ({"reason": decline} if decline else {}))
        progress = work.ProgressReport(
            canonical,
            session.team,
            report.status,
            report.note,
            report.public,
            report.closure,
            by=session.name,
            verdict=report.verdict,
        )
        await use_cases.run(work.report_status, progress)
    except (ValidationError, Refusal) as refused:
        said = "Not saved: {why}. What you typed is still below."
        asked = form.get("status", "")
        return await _show_refused(
            use_cases, session, canonical, refused, said, back, status_asked=asked, typed=form
        )
    return _saved(canonical, "status", back)


@router.post("/requests/{reference}/assign")
async def assign(
    reference: str,
    request: Request,
    session: Annotated[PageSession, operator_form],
    use_cases: UseCasesDep,
) -> Response:
    canonical = parse_reference(reference)
    form = await adapters.filled(request)
    back = schemas.back_to(str(form.pop("back", "")))
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
        said = "Not assigned: {why}. What you chose is still below."
        return await _show_refused(
            use_cases, session, canonical, refused, said, back, assigning=form
        )
    return _saved(canonical, "assigned", back)


async def _show_refused(
    use_cases: UseCases[RoutingDeps],
    session: PageSession,
    reference: str,
    refused: ValidationError | Refusal,
    said: str,
    back: str,
    *,
    status_asked: str = "",
    typed: dict[str, Any] | None = None,
    assigning: dict[str, Any] | None = None,
) -> HTMLResponse:
    """The request's page again after a refused save: `said` at the top with the reason in
    place of `{why}`, the reason again beside the field at fault, and what was typed in the
    status form (`typed`) or chosen in the assign form (`assigning`) kept."""
    status, why = texts.why_refused(refused, status_asked)
    invalid, beside = texts.beside_field(refused, why, status_asked)
    notes = {"error": said.format(why=why), "invalid": invalid, "field_error": beside}
    return await _show(use_cases, session, reference, status, typed, assigning, back=back, **notes)


def _saved(reference: str, what: str, back: str) -> RedirectResponse:
    asked = urlencode({"saved": what, "back": back})
    return RedirectResponse(f"/queue/requests/{reference}?{asked}", status_code=303)
