"""Routing's HTTP routes: departments and rules, departments' progress, operators' triage."""
# No `from __future__ import annotations`: FastAPI resolves the local dependencies at definition.

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from services.routing import handlers, progress, queue, rules, standards
from services.routing import queue_views as views
from services.routing.queue_store import QueueFilter, queue_key
from services.routing.schemas import (
    Assignment,
    DepartmentView,
    NewRule,
    QueueItem,
    Retirement,
    RuleChange,
    RuleView,
    StandingView,
    StatusReport,
    TriageItem,
)
from services.routing.store import triage_key
from shared.audit import Audit
from shared.auth import PUBLIC, Caller, TokenDirectory, requires
from shared.catalogue import DEPARTMENT_SLUGS, DEPARTMENTS
from shared.contracts.common import Area, Line, RequestStatus
from shared.contracts.routing import Priority
from shared.credentials import Role
from shared.http import ApiError, parse_reference
from shared.pages import DEFAULT, Cursor, Limit, decode, encode, paged, send_next
from shared.store import Database
from shared.topics import department_topic

__all__ = ["RoutingContext", "routes"]


@dataclass(frozen=True, slots=True)
class RoutingContext:
    db: Database
    ports: handlers.Ports
    tokens: TokenDirectory
    audit: Audit


def routes(ctx: RoutingContext) -> APIRouter:
    router = APIRouter(prefix="/v1")
    db, ports = ctx.db, ctx.ports
    department = requires(Role.DEPARTMENT)
    team = requires(Role.DEPARTMENT, Role.OPERATOR)
    operator = requires(Role.OPERATOR)

    @router.get("/departments", response_model=list[DepartmentView], dependencies=[PUBLIC])
    async def departments(
        request: Request, response: Response, limit: Limit = DEFAULT, cursor: Cursor = None
    ) -> list[DepartmentView]:
        views = [
            DepartmentView(slug=d.slug, name=d.name, topic=department_topic(d.slug))
            for d in DEPARTMENTS
        ]
        return paged(request, response, views, limit, cursor)

    @router.get("/queue", response_model=list[QueueItem])
    async def work_queue(
        by: Annotated[Caller, team],
        request: Request,
        response: Response,
        area: Annotated[Area | None, Query()] = None,
        community: Annotated[Line | None, Query(max_length=100)] = None,
        category: Annotated[str | None, Query(max_length=40)] = None,
        status: Annotated[RequestStatus | None, Query()] = None,
        priority: Annotated[Priority | None, Query()] = None,
        department: Annotated[str | None, Query(max_length=60)] = None,
        limit: Limit = DEFAULT,
        cursor: Cursor = None,
    ) -> list[QueueItem]:
        """A department's requests (operators: any department's), open ones by default,
        soonest due first: the work queue for department systems."""
        asked = QueueFilter(department, area, community, category, status, priority)
        chosen = queue.scope(asked, by.name, by.role)
        found = await queue.work_queue(db, chosen, limit + 1, decode(cursor, (str, str)))
        page, now = found[:limit], ports.clock()
        await ctx.audit.record_read(db, by, "read work queue", len(page), now)
        send_next(request, response, encode(queue_key(page[-1])) if len(found) > limit else None)
        return [QueueItem.of(r, views.overdue(r, now)) for r in page]

    @router.get("/standards", response_model=list[StandingView], dependencies=[PUBLIC])
    async def service_standards(
        request: Request,
        response: Response,
        month: Annotated[str, Query(pattern=r"^20\d\d-(0[1-9]|1[0-2])$", examples=["2026-11"])],
        limit: Limit = DEFAULT,
        cursor: Cursor = None,
    ) -> list[StandingView]:
        """How each department kept the published service standards for requests received
        in `month` (Cape Town time): aggregates only, no request is named."""
        found = await standards.standings_for(db, month, ports.clock())
        views = [StandingView.model_validate(s, from_attributes=True) for s in found]
        return paged(
            request, response, views, limit, cursor, key=lambda v: [v.department, v.category]
        )

    @router.get("/rules", response_model=list[RuleView], dependencies=[operator])
    async def active_rules(
        request: Request, response: Response, limit: Limit = DEFAULT, cursor: Cursor = None
    ) -> list[RuleView]:
        views = [RuleView.from_rule(r) for r in await rules.active_rules(db)]
        return paged(request, response, views, limit, cursor, key=lambda r: [r.id])

    @router.post("/rules", status_code=201)
    async def add_rule(body: NewRule, by: Annotated[Caller, operator]) -> dict[str, int]:
        rule_id = await rules.add_rule(
            db, ports.rulebook, body.rule.to_rule(), by.name, body.reason, ports.clock()
        )
        return {"id": rule_id}

    @router.post("/rules/{rule_id}/retire", status_code=204)
    async def retire_rule(
        rule_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
        body: Retirement,
        by: Annotated[Caller, operator],
    ) -> None:
        await rules.retire_rule(db, ports.rulebook, rule_id, by.name, body.reason, ports.clock())

    @router.get("/rules/history", response_model=list[RuleChange])
    async def rule_history(
        _: Annotated[Caller, operator],
        request: Request,
        response: Response,
        limit: Limit = DEFAULT,
        cursor: Cursor = None,
    ) -> list[RuleChange]:
        changes = [RuleChange(**change) for change in await rules.rule_history(db)]
        return paged(request, response, changes, limit, cursor)

    @router.get("/requests", response_model=list[TriageItem])
    async def requests(
        by: Annotated[Caller, operator],
        request: Request,
        response: Response,
        status: Annotated[RequestStatus, Query()] = RequestStatus.UNROUTABLE,
        limit: Limit = DEFAULT,
        cursor: Cursor = None,
    ) -> list[TriageItem]:
        found = await handlers.triage(db, status, limit + 1, decode(cursor, (str, str)))
        chosen = found[:limit]
        await ctx.audit.record_read(db, by, "read triage list", len(chosen), ports.clock())
        last = chosen[-1] if len(found) > limit else None
        send_next(request, response, encode(triage_key(last)) if last else None)
        return [TriageItem.from_request(r) for r in chosen]

    @router.post("/requests/{reference}/assign", status_code=202)
    async def assign(
        reference: str, body: Assignment, by: Annotated[Caller, operator]
    ) -> dict[str, str]:
        canonical = parse_reference(reference)
        if body.department not in DEPARTMENT_SLUGS:
            message = f"unknown department: use one of {', '.join(sorted(DEPARTMENT_SLUGS))}"
            raise ApiError(422, "invalid_request", message, {"department": message})
        await handlers.assign_by_hand(
            db,
            ports,
            canonical,
            body.department,
            body.priority,
            body.target_hours,
            body.note,
            by.name,
        )
        return {"reference": canonical, "department": body.department}

    @router.post("/requests/{reference}/status", status_code=202)
    async def report_status(
        reference: str, body: StatusReport, by: Annotated[Caller, department]
    ) -> dict[str, str]:
        canonical = parse_reference(reference)
        changed = await progress.report_status(
            db, ports, canonical, by.name, body.status, body.note, body.public, body.closure
        )
        return {"reference": canonical, "status": changed.status.value}

    return router
