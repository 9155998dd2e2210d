"""Visits listed and in a calendar (anyone), cancelled or moved (OPERATORS)."""
# No `from __future__ import annotations`: FastAPI resolves the parameters at definition.

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel

from services.scheduling.communities.handlers import RefreshGauges, refresh_gauges
from services.scheduling.deps import UseCasesDep
from services.scheduling.visits.domain import Visit
from services.scheduling.visits.handlers import (
    CancelVisit,
    FindVisits,
    RescheduleVisit,
    cancel,
    find_visits,
    reschedule,
)
from services.scheduling.visits.schemas import Cancellation, Reschedule, VisitView, to_ics
from shared.auth import OPERATORS, PUBLIC
from shared.contracts.common import Area, Line
from shared.pages import PagingDep, date_span, page, send_next

__all__ = ["router"]

router = APIRouter(prefix="/v1")
From = Annotated[dt.date | None, Query(alias="from")]
To = Annotated[dt.date | None, Query()]
CommunityName = Annotated[Line | None, Query(max_length=100)]


class CancelledView(BaseModel):
    visit: VisitView
    unmet_rules: list[str]


@router.get("/visits", response_model=list[VisitView], dependencies=[PUBLIC])
async def visits(
    use_cases: UseCasesDep,
    paging: PagingDep,
    start: From = None,
    to: To = None,
    area: Annotated[Area | None, Query()] = None,
    community: CommunityName = None,
) -> list[VisitView]:
    found = await use_cases.run(find_visits, FindVisits(*date_span(start, to), area, community))
    chosen = paging.of(found, key=_visit_key)
    return [VisitView.of(v) for v in chosen]


@router.get("/visits.ics", dependencies=[PUBLIC])
async def calendar(
    use_cases: UseCasesDep,
    paging: PagingDep,
    community: CommunityName = None,
    start: From = None,
    to: To = None,
) -> Response:
    found = await use_cases.run(find_visits, FindVisits(*date_span(start, to), None, community))
    chosen, following = page(found, _visit_key, paging.limit, paging.cursor)
    title = f"Mobile Office in {community}" if community else "Mobile Office visits"
    response = Response(
        to_ics(chosen, title, use_cases.deps.clock()), media_type="text/calendar; charset=utf-8"
    )
    send_next(paging.request, response, following)
    return response


@router.post("/visits/{visit_id}/cancel", dependencies=[OPERATORS])
async def cancel_visit(visit_id: str, body: Cancellation, use_cases: UseCasesDep) -> CancelledView:
    visit, unmet = await use_cases.run(cancel, CancelVisit(visit_id, body.reason))
    await use_cases.run(refresh_gauges, RefreshGauges())
    return CancelledView(visit=VisitView.of(visit), unmet_rules=unmet)


@router.post("/visits/{visit_id}/reschedule", dependencies=[OPERATORS])
async def reschedule_visit(visit_id: str, body: Reschedule, use_cases: UseCasesDep) -> VisitView:
    moved = await use_cases.run(reschedule, RescheduleVisit(visit_id, body.date, body.reason))
    return VisitView.of(moved)


def _visit_key(visit: Visit) -> list[str]:
    return [visit.date.isoformat(), visit.team, visit.id]
