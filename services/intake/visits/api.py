"""`GET /v1/visits`: the visits scheduling announced, for the field app."""

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query

from services.intake.deps import UseCasesDep
from services.intake.visits.handlers import VisitsWanted, find_visits
from services.intake.visits.schemas import VisitView
from shared.auth import PUBLIC
from shared.contracts.common import Line
from shared.pages import PagingDep, date_span

__all__ = ["router"]

router = APIRouter(prefix="/v1")


@router.get("/visits", response_model=list[VisitView], dependencies=[PUBLIC])
async def visits(
    use_cases: UseCasesDep,
    paging: PagingDep,
    start: Annotated[dt.date | None, Query(alias="from")] = None,
    to: Annotated[dt.date | None, Query()] = None,
    community: Annotated[Line | None, Query(max_length=100)] = None,
) -> list[VisitView]:
    """The visits scheduling announced, for the field app (which talks to intake only)."""
    found = await use_cases.run(find_visits, VisitsWanted(*date_span(start, to), community))
    chosen = paging.of(found, key=lambda v: [str(v.date), v.id])
    return [VisitView.model_validate(v, from_attributes=True) for v in chosen]
