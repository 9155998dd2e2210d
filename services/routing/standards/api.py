"""The published service standards, and how each department kept them."""
# No `from __future__ import annotations`: FastAPI resolves the dependencies at definition.

from typing import Annotated

from fastapi import APIRouter, Query

from services.routing.deps import UseCasesDep
from services.routing.standards import handlers
from services.routing.standards.schemas import FiguresView, StandingView
from shared.auth import PUBLIC
from shared.pages import PagingDep

__all__ = ["router"]

router = APIRouter(prefix="/v1")


@router.get("/standards", response_model=list[StandingView], dependencies=[PUBLIC])
async def service_standards(
    use_cases: UseCasesDep,
    paging: PagingDep,
    month: Annotated[str, Query(pattern=r"^20\d\d-(0[1-9]|1[0-2])$", examples=["2026-11"])],
) -> list[StandingView]:
    """How each department kept the published service standards for requests received
    in `month` (Cape Town time): aggregates only, no request is named."""
    found = await use_cases.run(handlers.standings_for, handlers.MonthReport(month))
    views = [StandingView.model_validate(s, from_attributes=True) for s in found]
    return paging.of(views, key=lambda v: [v.department, v.category, v.service or ""])


@router.get("/standards/figures", response_model=FiguresView, dependencies=[PUBLIC])
async def service_figures(
    use_cases: UseCasesDep,
    month: Annotated[str, Query(pattern=r"^20\d\d-(0[1-9]|1[0-2])$", examples=["2026-11"])],
) -> FiguresView:
    """The public figures page's numbers (/standards/) for requests received in `month` and
    the 12 months before: by department, kind, area and channel, merged where fewer than 5."""
    read = await use_cases.run(handlers.figures_page, handlers.FiguresPage(month))
    return FiguresView.model_validate(read.figures, from_attributes=True)
