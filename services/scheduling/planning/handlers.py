"""The plan page's use cases: the month as it stands (its visits on a grid, the rules it
meets or breaks, whether it is published, the communities longest unvisited first), and a
move or a cancellation previewed: what it would break, before it is saved. Saving is the
visits' own use cases (visits/handlers.py), as `POST /v1/visits/{id}/...` does."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from services.scheduling.communities import store as community_store
from services.scheduling.deps import SchedulingDeps
from services.scheduling.planning.domain import (
    Change,
    Check,
    CommunityLine,
    Grid,
    checks,
    grid,
    longest_unvisited,
    would_break,
)
from services.scheduling.plans import store as plan_store
from services.scheduling.store import Connection
from services.scheduling.visits import store as visit_store
from services.scheduling.visits.domain import Visit, day_off
from shared.clock import CAPE_TOWN
from shared.contracts.visits import VisitStatus
from shared.refusals import Conflict, Invalid, NotFound
from shared.use_case import UnitOfWork

__all__ = [
    "MonthPlan",
    "PlanQuery",
    "Preview",
    "PreviewChange",
    "VisitQuery",
    "plan_page",
    "preview_change",
    "visit_of",
]


@dataclass(frozen=True, slots=True)
class PlanQuery:
    year: int
    month: int


@dataclass(frozen=True, slots=True)
class MonthPlan:
    month: str
    published: bool
    visits: list[Visit]
    grid: Grid
    checks: list[Check]
    communities: list[CommunityLine]
    today: dt.date


@dataclass(frozen=True, slots=True)
class VisitQuery:
    visit_id: str


@dataclass(frozen=True, slots=True)
class PreviewChange:
    change: Change


@dataclass(frozen=True, slots=True)
class Preview:
    visit: Visit
    breaks: list[str]  # in words; empty: the month keeps every rule it keeps now


async def plan_page(command: PlanQuery, uow: UnitOfWork, deps: SchedulingDeps) -> MonthPlan:
    key = f"{command.year}-{command.month:02d}"
    today = deps.clock().astimezone(CAPE_TOWN).date()
    async with uow.reading() as conn:
        published = await plan_store.plan_published(conn, key)
        visits = await visit_store.month_visits(conn, key)
        teams = await community_store.team_names(conn)
        known = await community_store.all_communities(conn, before=today + dt.timedelta(days=1))
        upcoming = await visit_store.find_visits(conn, today, None, None)
    return MonthPlan(
        key,
        published,
        visits,
        grid(command.year, command.month, teams, visits),
        checks(command.year, command.month, visits),
        longest_unvisited(known, upcoming, today),
        today,
    )


async def visit_of(command: VisitQuery, uow: UnitOfWork, deps: SchedulingDeps) -> Visit:
    async with uow.reading() as conn:
        return await _existing(conn, command.visit_id)


async def preview_change(command: PreviewChange, uow: UnitOfWork, deps: SchedulingDeps) -> Preview:
    """What the change would break; a change that cannot be made at all (a cancelled visit
    moved, a day off, a day past or in another month, the team busy) refused as saving it
    would be."""
    change = command.change
    today = deps.clock().astimezone(CAPE_TOWN).date()
    async with uow.reading() as conn:
        visit = await _existing(conn, change.visit_id)
        if visit.status is VisitStatus.CANCELLED:
            raise Conflict(f"this visit to {visit.community} is already cancelled")
        if change.day is not None:
            day = change.day
            if (why := day_off(day)) is not None:
                raise Invalid(why, field="date")
            if day < today:
                raise Invalid(f"{day.isoformat()} is in the past", field="date")
            if f"{day:%Y-%m}" != visit.month:
                raise Invalid(
                    f"this visit belongs to the plan of {visit.month}: move it within that "
                    "month, or cancel it",
                    field="date",
                )
            if day != visit.date and await visit_store.team_busy(
                conn, visit.team, day, other_than=visit.id
            ):
                raise Conflict(f"team {visit.team} already has a visit on {day.isoformat()}")
        month = await visit_store.month_visits(conn, visit.month)
    year, number = (int(p) for p in visit.month.split("-"))
    return Preview(visit, would_break(year, number, month, change))


async def _existing(conn: Connection, visit_id: str) -> Visit:
    found = await visit_store.visit(conn, visit_id)
    if found is None:
        raise NotFound(f"no visit {visit_id}")
    return found
