"""Scheduling's use cases: publish a month's plan, cancel or move a visit, list visits, and
follow routing's events to know the open requests per community. Each change is one
transaction with its `mo.visits` events."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Gauge
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from services.scheduling import announcements, community_store, store
from services.scheduling.days import day_off
from services.scheduling.domain import Community, Visit, plan_month, unmet_rules
from services.scheduling.seed import load_seed
from shared.clock import CAPE_TOWN
from shared.consumer import Received
from shared.contracts.common import Area, RequestStatus
from shared.contracts.routing import RequestRouted, RequestUnroutable, RoutingOutcome, StatusChanged
from shared.contracts.visits import VisitStatus
from shared.outbox import enqueue_many
from shared.refusals import Conflict, Invalid, NotFound
from shared.store import Database

__all__ = [
    "PlanOutcome",
    "Ports",
    "SchedulingMetrics",
    "cancel",
    "communities",
    "find_visits",
    "on_routed",
    "on_status_changed",
    "on_unroutable",
    "publish_plan",
    "refresh_gauges",
    "reschedule",
    "seed",
]

log = logging.getLogger(__name__)
CLOSING = frozenset({RequestStatus.RESOLVED, RequestStatus.CLOSED, RequestStatus.REFERRED})


class SchedulingMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.visits = Counter(
            "mo_scheduling_visits_total",
            "Visits announced, by area and status.",
            ["area", "status"],
            registry=registry,
        )
        self.days_since = Gauge(
            "mo_scheduling_days_since_last_visit",
            "Days since each community's last visit.",
            ["community"],
            registry=registry,
        )
        self.open_requests = Gauge(
            "mo_scheduling_open_requests",
            "Open requests per community.",
            ["community"],
            registry=registry,
        )


@dataclass(frozen=True, slots=True)
class Ports:
    clock: Callable[[], dt.datetime]
    metrics: SchedulingMetrics


@dataclass(frozen=True, slots=True)
class PlanOutcome:
    visits: list[Visit]
    published: bool
    announced: int


async def seed(db: Database, path: Path) -> int:
    """Load communities and teams into an empty store; a populated one is left alone."""
    async with db.transaction() as conn:
        if await community_store.is_seeded(conn):
            return 0
        seeded = load_seed(path)
        await community_store.seed(conn, seeded.communities(), list(seeded.teams))
    return len(seeded.communities())


async def publish_plan(
    db: Database, ports: Ports, year: int, month: int, force: bool
) -> PlanOutcome:
    """Plan and announce the month. Planning a published month again changes nothing unless
    forced; forced, only the differences are announced. PlanningError if a rule cannot be
    met."""
    key = f"{year}-{month:02d}"
    now = ports.clock()
    async with db.transaction() as conn:
        published = await store.plan_published(conn, key)
        current = await store.month_visits(conn, key)
        if published and not force:
            return PlanOutcome(current, published=False, announced=0)
        candidates = await community_store.all_communities(conn, before=dt.date(year, month, 1))
        planned = plan_month(year, month, candidates, await community_store.team_names(conn))
        changes = announcements.differences(current, planned)
        # Cancellations first: the visit that replaces one takes its team's day.
        for change in sorted(changes, key=lambda c: not isinstance(c, announcements.Cancelled)):
            await store.save_visit(conn, change.visit, change.reason, now)
        await store.record_plan(conn, key, now)
        await enqueue_many(conn, store.outbox, [announcements.event(c, now) for c in changes])
        visits = await store.month_visits(conn, key)
    for change in changes:
        ports.metrics.visits.labels(change.visit.area.value, change.visit.status.value).inc()
    log.info("plan %s published: %d visits, %d announcements", key, len(planned), len(changes))
    return PlanOutcome(visits, published=True, announced=len(changes))


async def cancel(db: Database, ports: Ports, visit_id: str, reason: str) -> tuple[Visit, list[str]]:
    """Cancel (always possible: venues fall through); returns the visit and the rules its
    month no longer meets."""
    now = ports.clock()
    async with db.transaction() as conn:
        visit = await _existing(conn, visit_id)
        if visit.status is VisitStatus.SCHEDULED:
            change = announcements.Cancelled(visit.cancelled(), reason)
            await store.save_visit(conn, change.visit, reason, now)
            await enqueue_many(conn, store.outbox, [announcements.event(change, now)])
            ports.metrics.visits.labels(visit.area.value, VisitStatus.CANCELLED.value).inc()
            visit = change.visit
        month = await store.month_visits(conn, visit.month)
    remaining = [v for v in month if v.status is VisitStatus.SCHEDULED]
    year, number = (int(p) for p in visit.month.split("-"))
    return visit, unmet_rules(year, number, remaining)


async def reschedule(db: Database, ports: Ports, visit_id: str, day: dt.date, reason: str) -> Visit:
    """The visit on another day of its month. Its own day again changes and announces
    nothing (every announcement is an SMS to each subscriber)."""
    if (why := day_off(day)) is not None:
        raise Conflict(why)
    now = ports.clock()
    if day < now.astimezone(CAPE_TOWN).date():
        raise Invalid(f"{day.isoformat()} is in the past", field="date")
    try:
        async with db.transaction() as conn:
            old = await _existing(conn, visit_id)
            if old.status is VisitStatus.CANCELLED:
                raise Conflict(f"visit {visit_id} is cancelled: plan a new one instead")
            if day == old.date:
                return old
            if f"{day:%Y-%m}" != old.month:
                raise Invalid(
                    f"visit {visit_id} belongs to the plan of {old.month}: move it within that "
                    "month, or cancel it and plan the other month",
                    field="date",
                )
            if busy := await store.team_busy(conn, old.team, day, other_than=visit_id):
                raise Conflict(_busy(old.team, day, busy))
            moved = old.moved_to(day)
            await store.save_visit(conn, moved, reason, now)
            change = announcements.Moved(moved, old.date, reason)
            await enqueue_many(conn, store.outbox, [announcements.event(change, now)])
    except IntegrityError:
        # Another move took that day between the check and the write.
        raise Conflict(_busy(old.team, day, "taken just now")) from None
    return moved


def _busy(team: str, day: dt.date, which: str) -> str:
    return f"team {team} already has a visit on {day.isoformat()} ({which})"


async def find_visits(
    db: Database,
    span: tuple[dt.date | None, dt.date | None],
    area: Area | None,
    community: str | None,
) -> list[Visit]:
    """Visits from `span`'s first day to its last (either open), soonest first."""
    async with db.reading() as conn:
        found = await store.find_visits(conn, *span, area)
    if community:
        found = [v for v in found if v.community.casefold() == community.casefold()]
    return found


async def communities(db: Database, ports: Ports) -> list[Community]:
    today = ports.clock().astimezone(CAPE_TOWN).date()
    async with db.reading() as conn:
        return await community_store.all_communities(conn, before=today + dt.timedelta(days=1))


async def refresh_gauges(db: Database, ports: Ports) -> None:
    today = ports.clock().astimezone(CAPE_TOWN).date()
    for c in await communities(db, ports):
        ports.metrics.open_requests.labels(c.name).set(c.open_requests)
        if c.last_visited:
            ports.metrics.days_since.labels(c.name).set((today - c.last_visited).days)


async def _existing(conn: AsyncConnection, visit_id: str) -> Visit:
    found = await store.visit(conn, visit_id)
    if found is None:
        raise NotFound(f"no visit {visit_id}")
    return found


# --- open requests per community, from routing's events -------------------------------------


async def on_routed(conn: AsyncConnection, item: Received[RequestRouted]) -> None:
    routed = item.data
    is_open = routed.outcome is RoutingOutcome.ROUTED  # a referral is done with, for the City
    await community_store.follow_request(
        conn, routed.reference, routed.community, is_open, routed.decided_at
    )


async def on_unroutable(conn: AsyncConnection, item: Received[RequestUnroutable]) -> None:
    unroutable = item.data
    await community_store.follow_request(
        conn, unroutable.reference, unroutable.community, True, unroutable.decided_at
    )


async def on_status_changed(conn: AsyncConnection, item: Received[StatusChanged]) -> None:
    changed = item.data
    is_open = changed.status not in CLOSING  # a resolved request reopened counts again
    await community_store.follow_request(conn, changed.reference, None, is_open, changed.changed_at)
