"""The plan, for operators: server-rendered pages at /plan/ with no script at all. An operator
signs in with their credential (shared/staff/); sees a month as a calendar (a row per team, a
column per working day, each visit a block coloured by area and named), the rules it meets or
breaks beside it, and the communities longest unvisited first; publishes the month (as
`POST /v1/plans`); and moves or cancels a visit with a reason (as
`POST /v1/visits/{id}/reschedule` and `/cancel`): the change is first shown with what it
would break, then saved when confirmed. Every form carries the session's CSRF token."""
# No `from __future__ import annotations`: FastAPI resolves the dependencies at definition.

import datetime as dt
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from services.scheduling.communities.handlers import RefreshGauges, refresh_gauges
from services.scheduling.deps import SchedulingDeps, UseCasesDep
from services.scheduling.planning import handlers
from services.scheduling.planning.adapters import FOLDER, SITE
from services.scheduling.planning.domain import Change
from services.scheduling.plans.domain import PlanningError
from services.scheduling.plans.handlers import PublishPlan, publish_plan
from services.scheduling.plans.schemas import PlanRequest
from services.scheduling.visits import handlers as visits
from services.scheduling.visits.schemas import Cancellation, Reschedule
from shared.auth import PUBLIC
from shared.clock import CAPE_TOWN
from shared.credentials import Role
from shared.refusals import Refusal
from shared.staff.sessions import PageSession
from shared.use_case import UseCases

__all__ = ["router", "sign_in"]

router = APIRouter(prefix="/plan", include_in_schema=False)
sign_in = SITE.router()  # /plan/sign-in, /plan/sign-out
operator = SITE.door(Role.OPERATOR)
operator_form = SITE.door(Role.OPERATOR, form=True)

DONE = {
    "published": "Published: every new visit is announced to its community's subscribers.",
    "unchanged": "Already published, and planning it again changed nothing.",
    "moved": "Moved: the community's subscribers are told.",
    "cancelled": "Cancelled: the community's subscribers are told.",
}
Reason = Annotated[str, Form(max_length=500)]


@router.get("", dependencies=[PUBLIC])
async def plan_root() -> RedirectResponse:
    return RedirectResponse("/plan/")


@router.get("/styles.css", dependencies=[PUBLIC])
async def styles() -> FileResponse:
    return FileResponse(FOLDER / "styles.css", media_type="text/css; charset=utf-8")


@router.get("/")
async def plan_page(
    session: Annotated[PageSession, operator],
    use_cases: UseCasesDep,
    month: Annotated[str, Query(max_length=20)] = "",
    done: Annotated[str, Query(max_length=20)] = "",
) -> HTMLResponse:
    today = use_cases.deps.clock().astimezone(CAPE_TOWN).date()
    asked, error = month.strip() or f"{today:%Y-%m}", ""
    try:
        year, number = PlanRequest(month=asked).year_and_month
    except ValidationError:
        error = f"No month {asked!r}: give it as YYYY-MM, e.g. {today:%Y-%m}. This month instead."
        year, number = today.year, today.month
    return await _plan(
        use_cases,
        session,
        year,
        number,
        400 if error else 200,
        error=error,
        done=DONE.get(done, ""),
    )


async def _plan(
    use_cases: UseCases[SchedulingDeps],
    session: PageSession,
    year: int,
    number: int,
    status: int = 200,
    **notes: str,
) -> HTMLResponse:
    plan = await use_cases.run(handlers.plan_page, handlers.PlanQuery(year, number))
    first = dt.date(year, number, 1)
    before = first - dt.timedelta(days=1)
    after = first + dt.timedelta(days=32)
    return SITE.page(
        "plan.html",
        status,
        session=session,
        plan=plan,
        month_name=f"{first:%B %Y}",
        previous=f"{before:%Y-%m}",
        following=f"{after:%Y-%m}",
        **notes,
    )


@router.post("/publish")
async def publish(
    session: Annotated[PageSession, operator_form],
    use_cases: UseCasesDep,
    month: Annotated[str, Form(max_length=20)] = "",
    force: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    try:
        asked = PlanRequest(month=month.strip(), force=force == "yes")
    except ValidationError:
        today = use_cases.deps.clock().astimezone(CAPE_TOWN).date()
        why = f"Not published: {month!r} is not a month as YYYY-MM."
        return await _plan(use_cases, session, today.year, today.month, 422, error=why)
    year, number = asked.year_and_month
    try:
        outcome = await use_cases.run(publish_plan, PublishPlan(year, number, asked.force))
    except PlanningError as refused:
        why = f"Not published: {refused}. Nothing was announced."
        return await _plan(use_cases, session, year, number, 422, error=why)
    await use_cases.run(refresh_gauges, RefreshGauges())
    done = "published" if outcome.published else "unchanged"
    return RedirectResponse(f"/plan/?{urlencode({'month': asked.month, 'done': done})}", 303)


@router.get("/visits/{visit_id}")
async def visit_page(
    visit_id: str,
    session: Annotated[PageSession, operator],
    use_cases: UseCasesDep,
    date: Annotated[str, Query(max_length=20)] = "",
    reason: Annotated[str, Query(max_length=500)] = "",
    change: Annotated[str, Query(max_length=10)] = "",
) -> HTMLResponse:
    """The visit, and its move and cancel forms (filled again when coming back from a
    preview: `date`, `reason` and which `change`)."""
    typed = {"date": date}
    typed["move_reason" if change == "move" else "cancel_reason"] = reason
    return await _visit(use_cases, session, visit_id, typed=typed)


async def _visit(
    use_cases: UseCases[SchedulingDeps],
    session: PageSession,
    visit_id: str,
    status: int = 200,
    **values: Any,
) -> HTMLResponse:
    try:
        visit = await use_cases.run(handlers.visit_of, handlers.VisitQuery(visit_id))
    except Refusal as refused:
        values = {"heading": "No such visit", "error": str(refused), "back": "/plan/"}
        return SITE.page("refused.html", refused.status, session=session, **values)
    values.setdefault("typed", {})
    return SITE.page("visit.html", status, session=session, visit=visit, **values)


@router.post("/visits/{visit_id}/move")
async def move(
    visit_id: str,
    session: Annotated[PageSession, operator_form],
    use_cases: UseCasesDep,
    date: Annotated[str, Form(max_length=20)] = "",
    reason: Reason = "",
    confirm: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    typed = {"date": date, "move_reason": reason}
    try:
        asked = Reschedule.model_validate({"date": date, "reason": reason})
    except ValidationError as invalid:
        field, why = _first_error(invalid)
        notes = {"invalid": field, "field_error": why, "error": f"Not moved: {why}."}
        return await _visit(use_cases, session, visit_id, 422, typed=typed, **notes)
    change = Change(visit_id, asked.date)
    if confirm != "yes":
        return await _preview(use_cases, session, change, asked.reason, typed)
    try:
        command = visits.RescheduleVisit(visit_id, asked.date, asked.reason)
        moved = await use_cases.run(visits.reschedule, command)
    except Refusal as refused:
        return await _refused(use_cases, session, visit_id, refused, "Not moved", typed)
    return _saved(moved.month, "moved")


@router.post("/visits/{visit_id}/cancel")
async def cancel(
    visit_id: str,
    session: Annotated[PageSession, operator_form],
    use_cases: UseCasesDep,
    reason: Reason = "",
    confirm: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    typed = {"cancel_reason": reason}
    try:
        asked = Cancellation(reason=reason)
    except ValidationError as invalid:
        _, why = _first_error(invalid)
        return await _visit(
            use_cases, session, visit_id, 422, typed=typed, error=f"Not cancelled: {why}."
        )
    if confirm != "yes":
        return await _preview(use_cases, session, Change(visit_id), asked.reason, typed)
    try:
        visit, _ = await use_cases.run(visits.cancel, visits.CancelVisit(visit_id, asked.reason))
    except Refusal as refused:
        return await _refused(use_cases, session, visit_id, refused, "Not cancelled", typed)
    await use_cases.run(refresh_gauges, RefreshGauges())
    return _saved(visit.month, "cancelled")


async def _preview(
    use_cases: UseCases[SchedulingDeps],
    session: PageSession,
    change: Change,
    reason: str,
    typed: dict[str, str],
) -> HTMLResponse:
    """What the change would break, with Save and Back; nothing saved yet."""
    try:
        seen = await use_cases.run(handlers.preview_change, handlers.PreviewChange(change))
    except Refusal as refused:
        said = "Not moved" if change.day else "Not cancelled"
        return await _refused(use_cases, session, change.visit_id, refused, said, typed)
    day = change.day.isoformat() if change.day else ""
    back = {"date": day, "reason": reason, "change": "move" if change.day else "cancel"}
    preview = {"day": day, "reason": reason, "breaks": seen.breaks}
    return SITE.page(
        "visit.html",
        session=session,
        visit=seen.visit,
        preview=preview,
        back_query=urlencode(back),
        typed=typed,
    )


async def _refused(
    use_cases: UseCases[SchedulingDeps],
    session: PageSession,
    visit_id: str,
    refused: Refusal,
    said: str,
    typed: dict[str, str],
) -> HTMLResponse:
    notes = {"error": f"{said}: {refused}.", "invalid": refused.field or ""}
    if refused.field:
        notes["field_error"] = str(refused)
    return await _visit(use_cases, session, visit_id, refused.status, typed=typed, **notes)


def _first_error(invalid: ValidationError) -> tuple[str, str]:
    """The field at fault and what to do, in words."""
    error = invalid.errors()[0]
    field = str(error["loc"][0]) if error["loc"] else ""
    if field == "date":
        return field, "give the new day as a date in the month's plan"
    if field == "reason":
        return field, "say why in at least 3 characters: subscribers are told"
    return field, str(error["msg"])


def _saved(month: str, what: str) -> RedirectResponse:
    return RedirectResponse(f"/plan/?{urlencode({'month': month, 'done': what})}", 303)
