"""Service standards: each routing rule's target time is the published standard for its
category. Routing notices every open request that passes its due time (once per request: an
event, a gauge, an alert for urgent ones) and reports, per month, how many requests each
department resolved within the standard."""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from statistics import median

from services.routing import standard_store
from services.routing.handlers import SOURCE, Ports
from services.routing.standard_store import Due
from services.routing.store import outbox
from shared.clock import CAPE_TOWN
from shared.contracts.common import RequestStatus
from shared.contracts.routing import RequestOverdue
from shared.events import new_event
from shared.outbox import enqueue_many
from shared.store import Database

__all__ = ["Standing", "month_span", "notice_overdue", "standings", "standings_for"]

log = logging.getLogger(__name__)
ROUND = 500  # requests marked per transaction: a long outage's backlog goes in batches


@dataclass(frozen=True, slots=True)
class Standing:
    """How one department did on one category's requests received in a month."""

    department: str
    category: str
    received: int
    resolved_within: int
    share_within: float | None  # of those received; None when none were
    median_hours: float | None  # time to (first) resolution, of those resolved
    p90_hours: float | None
    open_past_due: int


async def notice_overdue(db: Database, ports: Ports) -> int:
    """Marks the requests that passed their due time since the last round, publishes one
    `request.overdue` for each, and refreshes the gauge of overdue open requests."""
    noticed = 0
    while True:
        now = ports.clock()
        async with db.transaction() as conn:
            overdue = await standard_store.mark_newly_overdue(conn, now, ROUND)
            events = [
                new_event(
                    RequestOverdue(
                        reference=o.reference,
                        category=o.category,
                        department=o.department,
                        priority=o.priority,
                        status=o.status,
                        due_at=o.due_at,
                        noticed_at=now,
                    ),
                    SOURCE,
                    o.reference,
                    now,
                )
                for o in overdue
            ]
            await enqueue_many(conn, outbox, events)
        for o in overdue:
            log.info(
                "overdue reference=%s department=%s priority=%s due_at=%s",
                o.reference,
                o.department,
                o.priority,
                o.due_at.isoformat(),
            )
        noticed += len(overdue)
        if len(overdue) < ROUND:
            break
    await _refresh_gauges(db, ports)
    return noticed


async def _refresh_gauges(db: Database, ports: Ports) -> None:
    now = ports.clock()
    async with db.reading() as conn:
        counts = await standard_store.overdue_counts(conn)
    overdue = ports.metrics.overdue
    overdue.clear()  # a department with none left must read 0, not its last count
    for department, priority, count in counts:
        overdue.labels(department, priority).set(count)
    month = now.astimezone(CAPE_TOWN).strftime("%Y-%m")
    received: dict[str, int] = defaultdict(int)
    within: dict[str, int] = defaultdict(int)
    for standing in await standings_for(db, month, now):
        received[standing.department] += standing.received
        within[standing.department] += standing.resolved_within
    ports.metrics.within_standard.clear()
    for department, count in received.items():
        ports.metrics.within_standard.labels(department).set(within[department] / count)


def month_span(month: str) -> tuple[dt.datetime, dt.datetime]:
    """The month `YYYY-MM` in Cape Town time, as [start, end)."""
    year, number = (int(part) for part in month.split("-"))
    start = dt.datetime(year, number, 1, tzinfo=CAPE_TOWN)
    end = dt.datetime(year + number // 12, number % 12 + 1, 1, tzinfo=CAPE_TOWN)
    return start, end


async def standings_for(db: Database, month: str, now: dt.datetime) -> list[Standing]:
    start, end = month_span(month)
    async with db.reading() as conn:
        received = await standard_store.received_between(conn, start, end)
    return standings(received, now)


def standings(received: Iterable[Due], now: dt.datetime) -> list[Standing]:
    """Per department and category: received, resolved within the standard (count and
    share), median and 90th percentile hours to resolution, still open past due."""
    groups: dict[tuple[str, str], list[Due]] = defaultdict(list)
    for due in received:
        groups[(due.department, due.category)].append(due)
    report = []
    for (department, category), items in sorted(groups.items()):
        hours = sorted(
            (d.resolved_at - d.logged_at).total_seconds() / 3600
            for d in items
            if d.resolved_at is not None
        )
        within = sum(
            1
            for d in items
            if d.resolved_at is not None and d.resolved_at <= d.due_at and not d.reopened
        )
        past_due = sum(1 for d in items if _open(d.status) and d.due_at < now)
        report.append(
            Standing(
                department=department,
                category=category,
                received=len(items),
                resolved_within=within,
                share_within=round(within / len(items), 3) if items else None,
                median_hours=round(median(hours), 1) if hours else None,
                p90_hours=round(_percentile(hours, 0.9), 1) if hours else None,
                open_past_due=past_due,
            )
        )
    return report


def _open(status: RequestStatus) -> bool:
    return status.value in standard_store.OPEN


def _percentile(ordered: list[float], q: float) -> float:
    """The nearest-rank percentile: a value that was really measured."""
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]
