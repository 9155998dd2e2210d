"""The published service standards, and how each department kept them."""
# No `from __future__ import annotations`: FastAPI resolves the dependencies at definition.

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from services.routing.deps import DbDep, DepsDep
from services.routing.standards import handlers
from services.routing.standards.schemas import StandingView
from shared.auth import PUBLIC
from shared.pages import DEFAULT, Cursor, Limit, paged

__all__ = ["router"]

router = APIRouter(prefix="/v1")


@router.get("/standards", response_model=list[StandingView], dependencies=[PUBLIC])
async def service_standards(
    db: DbDep,
    deps: DepsDep,
    request: Request,
    response: Response,
    month: Annotated[str, Query(pattern=r"^20\d\d-(0[1-9]|1[0-2])$", examples=["2026-11"])],
    limit: Limit = DEFAULT,
    cursor: Cursor = None,
) -> list[StandingView]:
    """How each department kept the published service standards for requests received
    in `month` (Cape Town time): aggregates only, no request is named."""
    found = await handlers.standings_for(handlers.MonthReport(month), db, deps)
    views = [StandingView.model_validate(s, from_attributes=True) for s in found]
    return paged(request, response, views, limit, cursor, key=lambda v: [v.department, v.category])
