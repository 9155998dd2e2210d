"""Scheduling's use cases: publish a month's plan, cancel or move a visit, keep the open
requests per community. Each is one transaction with its `mo.visits` events."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.scheduling import store
from services.scheduling.planner import (
    Community,
    PlannedVisit,
    holiday_name,
    plan_month,
    unmet_rules,
)
from services.scheduling.seed import load_seed
from shared.clock import CAPE_TOWN
from shared.consumer import AfterCommit
from shared.contracts.common import Area, RequestStatus
from shared.contracts.requests import RequestLogged
from shared.contracts.routing import RequestRouted, RoutingOutcome, StatusChanged
from shared.contracts.visits import VisitCancelled, VisitChanged, VisitScheduled
from shared.events import CloudEvent, new_event
from shared.outbox import enqueue_many
from shared.store import Database, as_utc, upsert_insert
from shared.topics import VISITS, EventType, source

__all__ = ["Conflict", "NotFound", "Scheduling", "SchedulingMetrics"]

log = logging.getLogger(__name__)
SOURCE = source("scheduling")


class NotFound(Exception):
    pass


class Conflict(Exception):
    """The change breaks a rule; the message says which."""


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
class PlanOutcome:
    visits: list[dict[str, Any]]
    published: bool
    announced: int


@dataclass
class Scheduling:
    db: Database
    clock: Callable[[], dt.datetime]
    metrics: SchedulingMetrics

    async def seed(self, path: Path) -> int:
        """Load communities and teams into an empty store; a populated one is left alone."""
        async with self.db.transaction() as conn:
            if await conn.scalar(select(func.count()).select_from(store.communities)):
                return 0
            seed = load_seed(path)
            rows = [
                {
                    "name": c.name,
                    "key": c.name.casefold(),
                    "area": c.area.value,
                    "venue": c.venue,
                    "starts": c.starts,
                    "ends": c.ends,
                    "last_visited": c.last_visited,
                    "open_requests": 0,
                }
                for c in seed.communities()
            ]
            await conn.execute(store.communities.insert(), rows)
            await conn.execute(store.teams.insert(), [{"name": t} for t in seed.teams])
        return len(rows)

    async def communities(self, conn: AsyncConnection, before: dt.date) -> list[Community]:
        """Every community with its last visit before `before` and its open requests."""
        last = dict(
            (
                await conn.execute(
                    select(store.visits.c.community, func.max(store.visits.c.date))
                    .where(store.visits.c.status == "scheduled", store.visits.c.date < before)
                    .group_by(store.visits.c.community)
                )
            ).all()
        )
        rows = await conn.execute(select(store.communities).order_by(store.communities.c.name))
        return [
            Community(
                name=r.name,
                area=Area(r.area),
                venue=r.venue,
                starts=r.starts,
                ends=r.ends,
                last_visited=max(filter(None, [r.last_visited, last.get(r.name)]), default=None),
                open_requests=r.open_requests,
            )
            for r in rows
        ]

    async def publish_plan(self, year: int, month: int, force: bool) -> PlanOutcome:
        """Plan and announce the month. Planning a published month again changes nothing
        unless forced; forced, only the differences are announced. PlanningError if a rule
        cannot be met."""
        key = f"{year}-{month:02d}"
        first = dt.date(year, month, 1)
        now = self.clock()
        async with self.db.transaction() as conn:
            published = await conn.scalar(
                select(store.plans.c.month).where(store.plans.c.month == key)
            )
            current = {
                r.id: r
                for r in await conn.execute(select(store.visits).where(store.visits.c.month == key))
            }
            if published and not force:
                return PlanOutcome(
                    [_view(r) for r in current.values()], published=False, announced=0
                )
            teams = list(await conn.scalars(select(store.teams.c.name)))
            planned = plan_month(year, month, await self.communities(conn, first), teams)
            events = await self._apply_plan(conn, key, planned, current, now)
            if published:
                await conn.execute(
                    update(store.plans).where(store.plans.c.month == key).values(published_at=now)
                )
            else:
                await conn.execute(store.plans.insert().values(month=key, published_at=now))
            await enqueue_many(conn, store.outbox, [(VISITS, e) for e in events])
            views = [
                _view(r)
                for r in await conn.execute(
                    select(store.visits)
                    .where(store.visits.c.month == key)
                    .order_by(store.visits.c.date)
                )
            ]
        for event in events:
            self.metrics.visits.labels(event.data["area"], _status_label(event.type)).inc()
        log.info("plan %s published: %d visits, %d announcements", key, len(planned), len(events))
        return PlanOutcome(views, published=True, announced=len(events))

    async def _apply_plan(
        self,
        conn: AsyncConnection,
        month: str,
        planned: list[PlannedVisit],
        current: dict[str, Any],
        now: dt.datetime,
    ) -> list[CloudEvent]:
        events = []
        wanted = {v.id: v for v in planned}
        for visit_id, visit in wanted.items():
            values = _row(visit, month, now)
            old = current.get(visit_id)
            if old is None:
                await conn.execute(store.visits.insert().values(**values))
                events.append(_scheduled(values, now))
            elif old.status != "scheduled" or (old.team, old.venue, as_utc(old.starts_at)) != (
                visit.team,
                visit.venue,
                values["starts_at"],
            ):
                await conn.execute(
                    update(store.visits).where(store.visits.c.id == visit_id).values(**values)
                )
                events.append(
                    _changed(values, old.date, "re-planned", now)
                    if old.status == "scheduled"
                    else _scheduled(values, now)
                )
        for visit_id, old in current.items():
            if visit_id not in wanted and old.status == "scheduled":
                await conn.execute(
                    update(store.visits)
                    .where(store.visits.c.id == visit_id)
                    .values(status="cancelled", reason="re-planned", updated_at=now)
                )
                events.append(_cancelled(old, "re-planned", now))
        return events

    async def cancel(self, visit_id: str, reason: str) -> tuple[dict[str, Any], list[str]]:
        """Cancel (always possible: venues fall through); returns the visit and the rules the
        month no longer meets."""
        now = self.clock()
        async with self.db.transaction() as conn:
            old = await _find(conn, visit_id)
            if old.status != "cancelled":
                await conn.execute(
                    update(store.visits)
                    .where(store.visits.c.id == visit_id)
                    .values(status="cancelled", reason=reason, updated_at=now)
                )
                await enqueue_many(conn, store.outbox, [(VISITS, _cancelled(old, reason, now))])
                self.metrics.visits.labels(old.area, "cancelled").inc()
            remaining = [
                _planned(r)
                for r in await conn.execute(
                    select(store.visits).where(
                        store.visits.c.month == old.month, store.visits.c.status == "scheduled"
                    )
                )
            ]
            visit = _view(await _find(conn, visit_id))
        year, month = (int(p) for p in old.month.split("-"))
        return visit, unmet_rules(year, month, remaining)

    async def reschedule(self, visit_id: str, day: dt.date, reason: str) -> dict[str, Any]:
        if day.weekday() >= 5:
            raise Conflict(f"{day.isoformat()} is a {day:%A}: visits are on working days only")
        if (holiday := holiday_name(day)) is not None:
            raise Conflict(f"{day.isoformat()} is {holiday}, a public holiday")
        now = self.clock()
        async with self.db.transaction() as conn:
            old = await _find(conn, visit_id)
            if old.status == "cancelled":
                raise Conflict(f"visit {visit_id} is cancelled: plan a new one instead")
            busy = await conn.scalar(
                select(store.visits.c.id).where(
                    store.visits.c.team == old.team,
                    store.visits.c.date == day,
                    store.visits.c.status == "scheduled",
                    store.visits.c.id != visit_id,
                )
            )
            if busy:
                raise Conflict(f"team {old.team} already has a visit on {day.isoformat()} ({busy})")
            starts = _at(day, _local(old.starts_at).time())
            ends = _at(day, _local(old.ends_at).time())
            await conn.execute(
                update(store.visits)
                .where(store.visits.c.id == visit_id)
                .values(date=day, starts_at=starts, ends_at=ends, reason=reason, updated_at=now)
            )
            values = {**_view(old), "date": day, "starts_at": starts, "ends_at": ends}
            await enqueue_many(
                conn, store.outbox, [(VISITS, _changed(values, old.date, reason, now))]
            )
            return _view(await _find(conn, visit_id))

    async def visits(
        self, start: dt.date | None, end: dt.date | None, area: Area | None, community: str | None
    ) -> list[dict[str, Any]]:
        query = select(store.visits).order_by(store.visits.c.date, store.visits.c.team)
        if start:
            query = query.where(store.visits.c.date >= start)
        if end:
            query = query.where(store.visits.c.date <= end)
        if area:
            query = query.where(store.visits.c.area == area.value)
        async with self.db.reading() as conn:
            rows = (await conn.execute(query)).all()
        if community:
            rows = [r for r in rows if r.community.casefold() == community.casefold()]
        return [_view(r) for r in rows]

    async def refresh_gauges(self) -> None:
        today = self.clock().astimezone(CAPE_TOWN).date()
        async with self.db.reading() as conn:
            for c in await self.communities(conn, today + dt.timedelta(days=1)):
                self.metrics.open_requests.labels(c.name).set(c.open_requests)
                if c.last_visited:
                    self.metrics.days_since.labels(c.name).set((today - c.last_visited).days)

    # --- open requests per community, from the bus -----------------------------------------

    async def on_logged(
        self, conn: AsyncConnection, events: Sequence[CloudEvent]
    ) -> AfterCommit | None:
        for event in events:
            logged = event.data_as(RequestLogged)
            key = logged.location.community.casefold()
            added = await conn.execute(
                upsert_insert(conn, store.tracked_requests)
                .values(reference=logged.reference, community_key=key, open=True)
                .on_conflict_do_nothing()
            )
            if added.rowcount != 1:
                continue  # the same request under another event id: counted already
            await conn.execute(
                update(store.communities)
                .where(store.communities.c.key == key)
                .values(open_requests=store.communities.c.open_requests + 1)
            )
        return None

    async def on_closed(
        self, conn: AsyncConnection, events: Sequence[CloudEvent]
    ) -> AfterCommit | None:
        for event in events:
            if event.type == EventType.REQUEST_ROUTED:
                routed = event.data_as(RequestRouted)
                if routed.outcome is not RoutingOutcome.REFERRED:
                    continue
                reference = routed.reference
            else:
                changed = event.data_as(StatusChanged)
                if changed.status not in (
                    RequestStatus.RESOLVED,
                    RequestStatus.CLOSED,
                    RequestStatus.REFERRED,
                ):
                    continue
                reference = changed.reference
            key = await conn.scalar(
                update(store.tracked_requests)
                .where(
                    store.tracked_requests.c.reference == reference,
                    store.tracked_requests.c.open.is_(True),
                )
                .values(open=False)
                .returning(store.tracked_requests.c.community_key)
            )
            if key is not None:
                await conn.execute(
                    update(store.communities)
                    .where(store.communities.c.key == key)
                    .values(open_requests=store.communities.c.open_requests - 1)
                )
        return None


async def _find(conn: AsyncConnection, visit_id: str) -> Any:
    row = (
        await conn.execute(select(store.visits).where(store.visits.c.id == visit_id))
    ).one_or_none()
    if row is None:
        raise NotFound(visit_id)
    return row


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=CAPE_TOWN).astimezone(dt.UTC)


def _local(value: dt.datetime) -> dt.datetime:
    return as_utc(value).astimezone(CAPE_TOWN)


def _row(visit: PlannedVisit, month: str, now: dt.datetime) -> dict[str, Any]:
    return {
        "id": visit.id,
        "month": month,
        "date": visit.date,
        "team": visit.team,
        "community": visit.community,
        "area": visit.area.value,
        "venue": visit.venue,
        "starts_at": _at(visit.date, visit.starts),
        "ends_at": _at(visit.date, visit.ends),
        "status": "scheduled",
        "reason": None,
        "updated_at": now,
    }


def _planned(row: Any) -> PlannedVisit:
    return PlannedVisit(
        row.date,
        row.team,
        row.community,
        Area(row.area),
        row.venue,
        _local(row.starts_at).time(),
        _local(row.ends_at).time(),
    )


def _view(row: Any) -> dict[str, Any]:
    values = row if isinstance(row, dict) else row._asdict()
    return {
        "id": values["id"],
        "area": values["area"],
        "community": values["community"],
        "venue": values["venue"],
        "date": values["date"],
        "starts_at": _local(values["starts_at"]),
        "ends_at": _local(values["ends_at"]),
        "team": values["team"],
        "status": values["status"],
    }


def _scheduled(values: dict[str, Any], now: dt.datetime) -> CloudEvent:
    data = VisitScheduled(
        visit_id=values["id"],
        area=values["area"],
        community=values["community"],
        venue=values["venue"],
        date=values["date"],
        starts_at=_local(values["starts_at"]),
        ends_at=_local(values["ends_at"]),
        team=values["team"],
    )
    return new_event(EventType.VISIT_SCHEDULED, SOURCE, data.visit_id, data, now)


def _changed(
    values: dict[str, Any], previous: dt.date, reason: str | None, now: dt.datetime
) -> CloudEvent:
    data = VisitChanged(
        visit_id=values["id"],
        area=values["area"],
        community=values["community"],
        venue=values["venue"],
        date=values["date"],
        starts_at=_local(values["starts_at"]),
        ends_at=_local(values["ends_at"]),
        team=values["team"],
        previous_date=previous,
        reason=reason,
    )
    return new_event(EventType.VISIT_CHANGED, SOURCE, data.visit_id, data, now)


def _cancelled(row: Any, reason: str | None, now: dt.datetime) -> CloudEvent:
    data = VisitCancelled(
        visit_id=row.id,
        area=row.area,
        community=row.community,
        venue=row.venue,
        date=row.date,
        reason=reason,
    )
    return new_event(EventType.VISIT_CANCELLED, SOURCE, data.visit_id, data, now)


def _status_label(event_type: str) -> str:
    return "cancelled" if event_type == EventType.VISIT_CANCELLED else "scheduled"
