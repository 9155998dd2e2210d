"""Publishing a month's plan: one transaction with its `mo.visits` announcements."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from services.scheduling.communities import store as community_store
from services.scheduling.deps import SchedulingDeps
from services.scheduling.plans import store as plan_store
from services.scheduling.plans.domain import plan_month
from services.scheduling.visits import bus as announcements
from services.scheduling.visits import store as visit_store
from services.scheduling.visits.domain import Cancelled, Visit, differences
from shared.use_case import UnitOfWork

__all__ = ["PlanOutcome", "PublishPlan", "publish_plan"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PublishPlan:
    year: int
    month: int
    force: bool = False
    """Re-plan a published month, announcing only what differs."""


@dataclass(frozen=True, slots=True)
class PlanOutcome:
    visits: list[Visit]
    published: bool
    announced: int


async def publish_plan(command: PublishPlan, uow: UnitOfWork, deps: SchedulingDeps) -> PlanOutcome:
    """Plan and announce the month. Planning a published month again changes nothing unless
    forced; forced, only the differences are announced. PlanningError if a rule cannot be
    met."""
    year, month = command.year, command.month
    key = f"{year}-{month:02d}"
    now = deps.clock()
    async with uow.transaction() as conn:
        published = await plan_store.plan_published(conn, key)
        current = await visit_store.month_visits(conn, key)
        if published and not command.force:
            return PlanOutcome(current, published=False, announced=0)
        candidates = await community_store.all_communities(conn, before=dt.date(year, month, 1))
        planned = plan_month(year, month, candidates, await community_store.team_names(conn))
        changes = differences(current, planned)
        # Cancellations first: the visit that replaces one takes its team's day.
        for change in sorted(changes, key=lambda c: not isinstance(c, Cancelled)):
            await visit_store.save_visit(conn, change.visit, change.reason, now)
        await plan_store.record_plan(conn, key, now)
        await deps.outbox.stage_all(conn, [announcements.of(c) for c in changes], at=now)
        visits = await visit_store.month_visits(conn, key)
    for change in changes:
        deps.metrics.visits.labels(change.visit.area.value, change.visit.status.value).inc()
    log.info("plan %s published: %d visits, %d announcements", key, len(planned), len(changes))
    return PlanOutcome(visits, published=True, announced=len(changes))
