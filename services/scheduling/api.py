"""Scheduling's HTTP routes: areas, plans, visits and their calendar, cancellations and moves."""
# No `from __future__ import annotations`: FastAPI resolves the body models at definition.

import datetime as dt
import re
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from services.scheduling import handlers
from services.scheduling.calendar import to_ics
from services.scheduling.domain import PlanningError, Visit
from shared.auth import PUBLIC, requires
from shared.contracts.common import Area, Line, Text
from shared.contracts.visits import VisitStatus
from shared.credentials import Role
from shared.http import ApiError
from shared.pages import DEFAULT, Cursor, Limit, date_span, page, paged, send_next
from shared.store import Database

__all__ = ["routes"]

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class PlanRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    month: str = Field(description="YYYY-MM", examples=["2026-12"])
    force: bool = Field(False, description="Re-plan a published month, announcing differences.")

    @field_validator("month")
    @classmethod
    def _month(cls, value: str) -> str:
        match = _MONTH.match(value)
        if match is None or not 2020 <= int(match.group(1)) <= 2100:
            raise ValueError("must be a month as YYYY-MM, e.g. 2026-12")
        return value


class Cancellation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Text = Field(min_length=3, max_length=500)


class Reschedule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    date: dt.date
    reason: Text = Field(min_length=3, max_length=500)


class VisitView(BaseModel):
    id: str
    area: Area
    community: str
    venue: str
    date: dt.date
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    team: str
    status: VisitStatus

    @classmethod
    def of(cls, visit: Visit) -> "VisitView":
        return cls(
            id=visit.id,
            area=visit.area,
            community=visit.community,
            venue=visit.venue,
            date=visit.date,
            starts_at=visit.starts_at,
            ends_at=visit.ends_at,
            team=visit.team,
            status=visit.status,
        )


def routes(db: Database, ports: handlers.Ports) -> APIRouter:
    router = APIRouter(prefix="/v1")
    operators = requires(Role.OPERATOR)

    @router.get("/areas", dependencies=[PUBLIC])
    async def areas(
        request: Request, response: Response, limit: Limit = DEFAULT, cursor: Cursor = None
    ) -> list[dict[str, Any]]:
        known = await handlers.communities(db, ports)
        listed = [
            {
                "area": area.value,
                "communities": [
                    {"name": c.name, "venue": c.venue, "hours": f"{c.starts:%H:%M}-{c.ends:%H:%M}"}
                    for c in known
                    if c.area is area
                ],
            }
            for area in Area
        ]
        return paged(request, response, listed, limit, cursor)

    @router.post("/plans", status_code=201, dependencies=[operators])
    async def plan(body: PlanRequest, response: Response) -> dict[str, Any]:
        year, month = (int(p) for p in body.month.split("-"))
        try:
            outcome = await handlers.publish_plan(db, ports, year, month, body.force)
        except PlanningError as exc:
            raise ApiError(422, "rule_cannot_be_met", str(exc), {"rule": exc.rule}) from None
        if not outcome.published:
            response.status_code = 200
        await handlers.refresh_gauges(db, ports)
        return {
            "month": body.month,
            "published": outcome.published,
            "announced": outcome.announced,
            "visits": [VisitView.of(v) for v in outcome.visits],
        }

    @router.get("/visits", response_model=list[VisitView], dependencies=[PUBLIC])
    async def visits(
        request: Request,
        response: Response,
        start: Annotated[dt.date | None, Query(alias="from")] = None,
        to: Annotated[dt.date | None, Query()] = None,
        area: Annotated[Area | None, Query()] = None,
        community: Annotated[Line | None, Query(max_length=100)] = None,
        limit: Limit = DEFAULT,
        cursor: Cursor = None,
    ) -> list[VisitView]:
        found = await handlers.find_visits(db, date_span(start, to), area, community)
        chosen = paged(request, response, found, limit, cursor, key=_visit_key)
        return [VisitView.of(v) for v in chosen]

    @router.get("/visits.ics", dependencies=[PUBLIC])
    async def calendar(
        request: Request,
        community: Annotated[Line | None, Query(max_length=100)] = None,
        start: Annotated[dt.date | None, Query(alias="from")] = None,
        to: Annotated[dt.date | None, Query()] = None,
        limit: Limit = DEFAULT,
        cursor: Cursor = None,
    ) -> Response:
        found = await handlers.find_visits(db, date_span(start, to), None, community)
        chosen, following = page(found, _visit_key, limit, cursor)
        title = f"Mobile Office in {community}" if community else "Mobile Office visits"
        body = to_ics(chosen, title, ports.clock())
        response = Response(body, media_type="text/calendar; charset=utf-8")
        send_next(request, response, following)
        return response

    @router.post("/visits/{visit_id}/cancel", dependencies=[operators])
    async def cancel(visit_id: str, body: Cancellation) -> dict[str, Any]:
        visit, unmet = await handlers.cancel(db, ports, visit_id, body.reason)
        await handlers.refresh_gauges(db, ports)
        return {"visit": VisitView.of(visit), "unmet_rules": unmet}

    @router.post("/visits/{visit_id}/reschedule", dependencies=[operators])
    async def reschedule(visit_id: str, body: Reschedule) -> VisitView:
        moved = await handlers.reschedule(db, ports, visit_id, body.date, body.reason)
        return VisitView.of(moved)

    return router


def _visit_key(visit: Visit) -> list[str]:
    return [visit.date.isoformat(), visit.team, visit.id]
