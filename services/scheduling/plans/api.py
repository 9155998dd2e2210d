"""Publishing a month's plan (operators)."""

from fastapi import APIRouter, Response

from services.scheduling.communities.handlers import RefreshGauges, refresh_gauges
from services.scheduling.deps import UseCasesDep
from services.scheduling.plans.domain import PlanningError
from services.scheduling.plans.handlers import PublishPlan, publish_plan
from services.scheduling.plans.schemas import PlanRequest, PlanView
from services.scheduling.visits.schemas import VisitView
from shared.auth import OPERATORS
from shared.http import ApiError

__all__ = ["router"]

router = APIRouter(prefix="/v1")


@router.post("/plans", status_code=201, dependencies=[OPERATORS])
async def plan(body: PlanRequest, response: Response, use_cases: UseCasesDep) -> PlanView:
    year, month = body.year_and_month
    try:
        outcome = await use_cases.run(publish_plan, PublishPlan(year, month, body.force))
    except PlanningError as exc:
        raise ApiError(422, "rule_cannot_be_met", str(exc), {"rule": exc.rule}) from None
    if not outcome.published:
        response.status_code = 200
    await use_cases.run(refresh_gauges, RefreshGauges())
    return PlanView(
        month=body.month,
        published=outcome.published,
        announced=outcome.announced,
        visits=[VisitView.of(v) for v in outcome.visits],
    )
