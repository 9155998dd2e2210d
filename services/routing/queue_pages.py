"""The work queue, for people: server-rendered pages at /queue/ with no script at all. A team
signs in with its credential and gets a session cookie; it sees its open requests soonest due
first, overdue ones marked, filters them, opens one and moves it on with a note and, to
resolve or close it, a cause. Operators see every department and the triage list, and assign.
Every form carries the session's CSRF token, and a sign-in sent from another site is refused
(shared/sessions.py)."""

# No `from __future__ import annotations`: FastAPI resolves the local doors at definition.

from dataclasses import dataclass
from typing import Annotated, Final

from fastapi import APIRouter, Cookie, Form, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from services.routing import handlers, progress, queue
from services.routing import queue_views as views
from services.routing.domain import TRANSITIONS
from services.routing.queue_store import QueueFilter
from services.routing.schemas import Assignment, StatusReport
from shared.audit import Audit
from shared.auth import PUBLIC, Caller
from shared.catalogue import CATEGORY_CODES, DEPARTMENT_SLUGS
from shared.contracts.common import Area, RequestStatus
from shared.contracts.routing import Cause, Priority
from shared.credentials import Role
from shared.http import ApiError, parse_reference
from shared.limits import MissLimiter, client_address
from shared.refusals import Invalid, Refusal
from shared.sessions import COOKIE, PageSession, Sessions, cross_site, keep_cookie
from shared.store import Database

__all__ = ["QueueContext", "routes"]

SIGN_IN: Final = "/queue/sign-in"
TEAMS: Final = (Role.DEPARTMENT, Role.OPERATOR)


@dataclass(frozen=True, slots=True)
class QueueContext:
    db: Database
    ports: handlers.Ports
    sessions: Sessions
    sign_ins: MissLimiter
    audit: Audit


def routes(ctx: QueueContext) -> APIRouter:
    router = APIRouter(prefix="/queue", include_in_schema=False)
    team = ctx.sessions.door(*TEAMS, sign_in=SIGN_IN)
    team_form = ctx.sessions.door(*TEAMS, form=True, sign_in=SIGN_IN)
    operator_form = ctx.sessions.door(Role.OPERATOR, form=True, sign_in=SIGN_IN)

    @router.get("", dependencies=[PUBLIC])
    async def queue_root() -> RedirectResponse:
        return RedirectResponse("/queue/")

    @router.get("/styles.css", dependencies=[PUBLIC])
    async def styles() -> FileResponse:
        return FileResponse(views.FOLDER / "styles.css", media_type="text/css; charset=utf-8")

    @router.get("/sign-in", dependencies=[PUBLIC])
    async def sign_in_page() -> HTMLResponse:
        return views.page("sign_in.html")

    @router.post("/sign-in", dependencies=[PUBLIC])
    async def sign_in(
        request: Request, credential: Annotated[str, Form(max_length=200)]
    ) -> Response:
        """Anyone may try, from this site's own page; wrong credentials count like unknown
        references (then 429)."""
        if cross_site(request):
            message = "sign in from this site's own sign-in page"
            return views.page("sign_in.html", 403, error=message)
        client = client_address(request)
        ctx.sign_ins.refuse_if_waiting(client, "too_many_sign_ins", "too many wrong credentials")
        try:
            cookie, _ = await ctx.sessions.sign_in(credential.strip(), frozenset(TEAMS))
        except ApiError as refused:
            ctx.sign_ins.missed(client)
            return views.page("sign_in.html", refused.status, error=str(refused))
        response = RedirectResponse("/queue/", status_code=303)
        keep_cookie(response, request, cookie)
        return response

    @router.post("/sign-out")
    async def sign_out(
        _: Annotated[PageSession, team_form],
        mo_session: Annotated[str | None, Cookie()] = None,
    ) -> RedirectResponse:
        await ctx.sessions.sign_out(mo_session)
        response = RedirectResponse(SIGN_IN, status_code=303)
        response.delete_cookie(COOKIE, path="/")
        return response

    @router.get("/")
    async def work_queue(
        session: Annotated[PageSession, team],
        area: Annotated[str, Query(max_length=20)] = "",
        community: Annotated[str, Query(max_length=100)] = "",
        category: Annotated[str, Query(max_length=40)] = "",
        status: Annotated[str, Query(max_length=20)] = "",
        priority: Annotated[str, Query(max_length=10)] = "",
        department: Annotated[str, Query(max_length=60)] = "",
    ) -> HTMLResponse:
        asked = QueueFilter(
            department or None,
            area or None,
            community or None,
            category or None,
            status or None,
            priority or None,
        )
        chosen = queue.scope(asked, session.name, session.role)
        found = await queue.work_queue(ctx.db, chosen, limit=500, reopened_first=True)
        now = ctx.ports.clock()
        items = [views.row(r, now) for r in found]
        operator = session.role is Role.OPERATOR
        triage = None
        if operator:
            triage = await handlers.triage(ctx.db, RequestStatus.UNROUTABLE, 100, None)
        shown = len(found) + len(triage or [])
        await ctx.audit.record_read(ctx.db, reader(session), "read work queue page", shown, now)
        selects = [
            ("area", "Area", [a.value for a in Area]),
            ("category", "Category", sorted(CATEGORY_CODES)),
            ("status", "Status", [s.value for s in RequestStatus]),
            ("priority", "Priority", [p.value for p in Priority]),
        ]
        if operator:
            selects.append(("department", "Department", sorted(DEPARTMENT_SLUGS)))
        return views.page(
            "list.html",
            session=session,
            heading="Every department" if operator else f"{session.name}: open requests",
            items=items,
            overdue=sum(1 for i in items if i["overdue"]),
            selects=selects,
            chosen={name: getattr(chosen, name) for name in QueueFilter.__slots__},
            operator=operator,
            triage=triage,
        )

    async def show(
        session: PageSession, reference: str, status: int = 200, **notes: str
    ) -> HTMLResponse:
        file = await queue.request_file(ctx.db, reference, session.name, session.role)
        now = ctx.ports.clock()
        await ctx.audit.record_read(ctx.db, reader(session), "read request", 1, now, reference)
        r = file.request
        mine = session.role is Role.DEPARTMENT and r.department == session.name
        operator = session.role is Role.OPERATOR
        assignable = r.status in (RequestStatus.UNROUTABLE, RequestStatus.ROUTED)
        return views.page(
            "request.html",
            status,
            session=session,
            r=r,
            due=views.local(r.due_at),
            overdue=views.overdue(r, now),
            map_link=views.map_link(r),
            history=file.history,
            duplicates=file.duplicates,
            affected=file.affected,
            next_statuses=[s.value for s in RequestStatus if s in TRANSITIONS[r.status]]
            if mine
            else [],
            local=views.local,
            causes=[c.value for c in Cause],
            assignable=operator and assignable,
            departments=sorted(DEPARTMENT_SLUGS),
            priorities=[p.value for p in Priority],
            **notes,
        )

    @router.get("/requests/{reference}")
    async def request_page(reference: str, session: Annotated[PageSession, team]) -> HTMLResponse:
        try:
            return await show(session, parse_reference(reference))
        except queue.Forbidden as refused:
            raise ApiError(403, "forbidden", str(refused)) from None

    @router.post("/requests/{reference}/status")
    async def move_on(
        reference: str, request: Request, session: Annotated[PageSession, team_form]
    ) -> Response:
        canonical = parse_reference(reference)
        form = await views.filled(request)
        try:
            report = StatusReport.model_validate({**form, "public": form.get("public") == "true"})
            await progress.report_status(
                ctx.db,
                ctx.ports,
                canonical,
                session.name,
                report.status,
                report.note,
                report.public,
                report.closure,
            )
        except (ValidationError, Refusal) as refused:
            status, why = views.why(refused)
            return await show(session, canonical, status, error=f"Not saved: {why}")
        return RedirectResponse(f"/queue/requests/{canonical}", status_code=303)

    @router.post("/requests/{reference}/assign")
    async def assign(
        reference: str, request: Request, session: Annotated[PageSession, operator_form]
    ) -> Response:
        canonical = parse_reference(reference)
        try:
            chosen = Assignment.model_validate(await views.filled(request))
            if chosen.department not in DEPARTMENT_SLUGS:
                raise Invalid("is not a department", "department")
            await handlers.assign_by_hand(
                ctx.db,
                ctx.ports,
                canonical,
                chosen.department,
                chosen.priority,
                chosen.target_hours,
                chosen.note,
                session.name,
            )
        except (ValidationError, Refusal) as refused:
            status, why = views.why(refused)
            return await show(session, canonical, status, error=f"Not saved: {why}")
        return RedirectResponse(f"/queue/requests/{canonical}", status_code=303)

    return router


def reader(session: PageSession) -> Caller:
    """Who reads, as the audit names them: the session's team."""
    return Caller(session.name, session.role)
