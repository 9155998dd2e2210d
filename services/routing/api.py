"""Routing's HTTP routes: what routing knows, departments' progress, operators' triage and rules."""
# No `from __future__ import annotations`: FastAPI resolves the local dependencies at definition.

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Query

from services.routing import store
from services.routing.handlers import Conflict, NotFound, Routing
from services.routing.schemas import (
    Assignment,
    DepartmentView,
    NewRule,
    Retirement,
    RuleView,
    StatusReport,
    TriageItem,
)
from shared.catalogue import DEPARTMENTS
from shared.contracts.common import RequestStatus
from shared.http import ApiError
from shared.reference import InvalidReference, parse
from shared.tokens import TokenDirectory, bearer_token
from shared.topics import department_topic

__all__ = ["OPERATORS", "RoutingContext", "routes"]

OPERATORS = "operators"
DEPARTMENT_SLUGS = frozenset(d.slug for d in DEPARTMENTS)


@dataclass(frozen=True, slots=True)
class RoutingContext:
    routing: Routing
    teams: TokenDirectory[tuple[str, bool]]


def _reference(text: str) -> str:
    try:
        return parse(text)
    except InvalidReference as exc:
        raise ApiError(422, "invalid_reference", str(exc), {"reference": str(exc)}) from None


def routes(ctx: RoutingContext) -> APIRouter:
    router = APIRouter(prefix="/v1")

    async def team(authorization: Annotated[str | None, Header()] = None) -> str:
        token = bearer_token(authorization)
        if token is None:
            raise ApiError(
                401, "unauthenticated", "send your team's token: Authorization: Bearer <token>"
            )
        found = await ctx.teams.holder(token)
        if found is None:
            raise ApiError(401, "unauthenticated", "this token belongs to no team")
        name, revoked = found
        if revoked:
            raise ApiError(403, "revoked", f"this token of {name} has been revoked")
        return name

    async def operator(name: Annotated[str, Depends(team)]) -> str:
        if name != OPERATORS:
            raise ApiError(403, "forbidden", "only the operators' token may do this")
        return name

    @router.get("/departments", response_model=list[DepartmentView])
    async def departments() -> list[DepartmentView]:
        return [
            DepartmentView(slug=d.slug, name=d.name, topic=department_topic(d.slug))
            for d in DEPARTMENTS
        ]

    @router.get("/rules", response_model=list[RuleView])
    async def rules() -> list[RuleView]:
        async with ctx.routing.db.reading() as conn:
            active = await store.active_rules(conn)
        return [
            RuleView(
                id=r.id or 0,
                category=r.category,
                area=r.area,
                community=r.community,
                keywords=list(r.keywords),
                department=r.department,
                refer=r.refer_note,
                priority=r.priority,
                target_hours=r.target_hours,
            )
            for r in active
        ]

    @router.post("/rules", status_code=201)
    async def add_rule(body: NewRule, by: Annotated[str, Depends(operator)]) -> dict[str, int]:
        try:
            rule_id = await ctx.routing.add_rule(body.rule.to_rule(), by, body.reason)
        except Conflict as exc:
            raise ApiError(409, "conflicting_rule", str(exc)) from None
        return {"id": rule_id}

    @router.post("/rules/{rule_id}/retire", status_code=204)
    async def retire_rule(
        rule_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
        body: Retirement,
        by: Annotated[str, Depends(operator)],
    ) -> None:
        try:
            await ctx.routing.retire_rule(rule_id, by, body.reason)
        except NotFound:
            raise ApiError(404, "not_found", f"no active rule {rule_id}") from None

    @router.get("/rules/history")
    async def rule_history(_: Annotated[str, Depends(operator)]) -> list[dict[str, object]]:
        async with ctx.routing.db.reading() as conn:
            return await store.rule_history(conn)

    @router.get("/requests", response_model=list[TriageItem])
    async def requests(
        _: Annotated[str, Depends(operator)],
        status: Annotated[RequestStatus, Query()] = RequestStatus.UNROUTABLE,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
    ) -> list[TriageItem]:
        async with ctx.routing.db.reading() as conn:
            found = await store.requests_with_status(conn, status, limit)
        return [
            TriageItem(
                reference=r.reference,
                category=r.category,
                area=r.area.value,
                community=r.community,
                description=r.description,
                location=r.location,
                status=r.status,
                logged_at=r.logged_at,
            )
            for r in found
        ]

    @router.post("/requests/{reference}/assign", status_code=202)
    async def assign(
        reference: str, body: Assignment, by: Annotated[str, Depends(operator)]
    ) -> dict[str, str]:
        canonical = _reference(reference)
        if body.department not in DEPARTMENT_SLUGS:
            message = f"unknown department: use one of {', '.join(sorted(DEPARTMENT_SLUGS))}"
            raise ApiError(422, "invalid_request", message, {"department": message})
        try:
            await ctx.routing.assign_by_hand(
                canonical, body.department, body.priority, body.target_hours, body.note, by
            )
        except NotFound:
            raise ApiError(404, "not_found", f"routing has no request {canonical}") from None
        except Conflict as exc:
            raise ApiError(409, "conflict", str(exc)) from None
        return {"reference": canonical, "department": body.department}

    @router.post("/requests/{reference}/status", status_code=202)
    async def report_status(
        reference: str, body: StatusReport, by: Annotated[str, Depends(team)]
    ) -> dict[str, str]:
        canonical = _reference(reference)
        if by not in DEPARTMENT_SLUGS:
            raise ApiError(403, "forbidden", "only a department's token may report progress")
        try:
            changed = await ctx.routing.report_status(canonical, by, body.status, body.note)
        except NotFound:
            raise ApiError(404, "not_found", f"routing has no request {canonical}") from None
        except Conflict as exc:
            raise ApiError(409, "conflict", str(exc)) from None
        return {"reference": canonical, "status": changed.status.value}

    return router
