"""Service standards' use cases: routing notices every open request that passes its due time
(once per request: an event, a gauge, an alert for urgent ones), sends each department's
supervisor a daily digest of what is long overdue, and reports, per month, how many requests
each department resolved within the standard."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass

from services.routing.deps import RoutingDeps
from services.routing.standards import store
from services.routing.standards.domain import (
    MonthFigures,
    Overdue,
    Standing,
    Workload,
    month_figures,
    month_span,
    months_before,
    standings,
)
from shared.clock import CAPE_TOWN
from shared.contracts.routing import OverdueDigest
from shared.use_case import UnitOfWork

__all__ = [
    "FiguresPage",
    "FiguresRead",
    "MonthReport",
    "NoticeOverdue",
    "SendDigests",
    "figures_page",
    "notice_overdue",
    "send_digests",
    "standings_for",
]

log = logging.getLogger(__name__)
ROUND = 500  # requests marked per transaction: a long outage's backlog goes in batches


@dataclass(frozen=True, slots=True)
class NoticeOverdue:
    """Mark the requests that passed their due time since the last round."""


@dataclass(frozen=True, slots=True)
class SendDigests:
    """Today's digests, if it is past `hour` (Cape Town) and they were not sent."""

    hour: int


@dataclass(frozen=True, slots=True)
class MonthReport:
    """The standards report for requests received in `month` (`YYYY-MM`, Cape Town)."""

    month: str


async def notice_overdue(command: NoticeOverdue, uow: UnitOfWork, deps: RoutingDeps) -> int:
    """Marks the requests that passed their due time since the last round, publishes one
    `request.overdue` for each, and refreshes the gauge of overdue open requests."""
    noticed = 0
    while True:
        now = deps.clock()
        async with uow.transaction() as conn:
            overdue = await store.mark_newly_overdue(conn, now, ROUND)
            events = [(o.noticed(now), o.reference) for o in overdue]
            await deps.outbox.stage_all(conn, events, at=now)
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
    await _refresh_gauges(uow, deps)
    return noticed


async def _refresh_gauges(uow: UnitOfWork, deps: RoutingDeps) -> None:
    now = deps.clock()
    async with uow.reading() as conn:
        counts = await store.overdue_counts(conn)
    overdue = deps.metrics.overdue
    overdue.clear()  # a department with none left must read 0, not its last count
    for department, priority, count in counts:
        overdue.labels(department, priority).set(count)
    month = now.astimezone(CAPE_TOWN).strftime("%Y-%m")
    received: dict[str, int] = defaultdict(int)
    within: dict[str, int] = defaultdict(int)
    for standing in await standings_for(MonthReport(month), uow, deps):
        received[standing.department] += standing.received
        within[standing.department] += standing.resolved_within
    deps.metrics.within_standard.clear()
    for department, count in received.items():
        deps.metrics.within_standard.labels(department).set(within[department] / count)


async def standings_for(command: MonthReport, uow: UnitOfWork, deps: RoutingDeps) -> list[Standing]:
    start, end = month_span(command.month)
    async with uow.reading() as conn:
        received = await store.received_between(conn, start, end)
    return standings(received, deps.clock())


@dataclass(frozen=True, slots=True)
class FiguresPage:
    """The public figures of `month` (`YYYY-MM`, Cape Town) and the 12 months before it;
    with `operator`, also the agents' workload per visit and the overdue list."""

    month: str
    operator: bool = False


@dataclass(frozen=True, slots=True)
class FiguresRead:
    figures: MonthFigures
    workload: list[Workload] | None  # the operators' part: None for the public
    overdue: list[Overdue] | None


OVERDUE_LISTED = 200  # the operators' overdue list: the longest overdue


async def figures_page(command: FiguresPage, uow: UnitOfWork, deps: RoutingDeps) -> FiguresRead:
    start, end = month_span(command.month)
    first, _ = month_span(months_before(command.month, 12)[0])
    now = deps.clock()
    async with uow.reading() as conn:
        received = await store.received_between(conn, first, end)
        if not command.operator:
            return FiguresRead(month_figures(command.month, received, now), None, None)
        workload = await store.workload(conn, start, end)
        overdue = await store.overdue_now(conn, now, OVERDUE_LISTED)
    return FiguresRead(month_figures(command.month, received, now), workload, overdue)


async def send_digests(command: SendDigests, uow: UnitOfWork, deps: RoutingDeps) -> int:
    """Today's digests, if it is past the hour and they were not sent: how many were sent."""
    now = deps.clock()
    local = now.astimezone(CAPE_TOWN)
    if local.hour < command.hour:
        return 0
    sent = 0
    async with uow.transaction() as conn:
        for department, lines in (await store.escalated(conn, now)).items():
            if not await store.first_digest_today(conn, department, local.date()):
                continue
            digest = OverdueDigest(
                department=department, day=local.date(), requests=lines, sent_at=now
            )
            await deps.outbox.stage(conn, digest, subject=department, at=now)
            log.info("overdue digest department=%s requests=%d", department, len(lines))
            sent += 1
    return sent
