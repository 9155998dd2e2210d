"""Service standards, as pure rules: each routing rule's target time is the published
standard for its category; the monthly report per department and category, and when an
overdue request reaches the supervisor."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from statistics import median
from typing import Final

from services.routing.work.domain import OPEN
from shared.clock import CAPE_TOWN
from shared.contracts.common import RequestStatus
from shared.contracts.routing import Priority, RequestOverdue

__all__ = [
    "DEFAULT_ESCALATE",
    "FEWEST_SHOWN",
    "OTHER",
    "Due",
    "Figure",
    "MonthFigures",
    "Overdue",
    "Standing",
    "Workload",
    "figure",
    "last_whole_month",
    "merged",
    "month_figures",
    "month_span",
    "months_before",
    "standings",
]

DEFAULT_ESCALATE: Final = dt.timedelta(hours=24)  # a hand-assigned request has no rule
FEWEST_SHOWN: Final = 5
"""The public figures never show a group of fewer requests: it is merged into OTHER, as the
open data's small communities are (docs/open-data.md)."""
OTHER: Final = "other"


@dataclass(frozen=True, slots=True)
class Overdue:
    reference: str
    category: str
    department: str
    priority: Priority
    status: RequestStatus
    due_at: dt.datetime

    def noticed(self, at: dt.datetime) -> RequestOverdue:
        """The `request.overdue` news of it, noticed `at`: the event is this and when."""
        return RequestOverdue(**asdict(self), noticed_at=at)


@dataclass(frozen=True, slots=True)
class Workload:
    """What one agent logged at one visit (none: outside a visit) in the month."""

    visit_id: str | None
    agent: str
    requests: int  # fault reports
    applications: int


@dataclass(frozen=True, slots=True)
class Due:
    """A routed request as the standards report sees it."""

    department: str
    category: str
    status: RequestStatus
    logged_at: dt.datetime
    due_at: dt.datetime
    resolved_at: dt.datetime | None  # the first time it was resolved, closed or decided
    reopened: bool = False  # a resident said it was not fixed: not within the standard
    service: str | None = None  # an application's: counted apart from the category's faults
    fixed_confirmed: bool = False  # the resident replied FIXED
    channel: str = "unknown"  # how it came: visit, field-app, open311 (unknown: before 0006)
    area: str = ""
    cell: str | None = None  # its place's H3 level-7 cell (none: no point, or before 0007)


@dataclass(frozen=True, slots=True)
class Standing:
    """How one department did on one category's requests received in a month."""

    department: str
    category: str
    service: str | None  # an application's service; None for the category's fault reports
    received: int
    resolved_within: int
    share_within: float | None  # of those received; None when none were
    median_hours: float | None  # time to (first) resolution, of those resolved
    p90_hours: float | None
    open_past_due: int
    outcomes: dict[str, int]  # an application's decisions so far: approved, declined, ...
    median_days: float | None = None  # the same, in days (the public page's unit)
    p90_days: float | None = None
    resolved: int = 0  # ever resolved, closed or decided
    confirmed_fixed: int = 0  # of those, the resident replied FIXED
    share_confirmed_fixed: float | None = None  # of those resolved; None when none were
    reopened: int = 0  # of those, a resident said NOT FIXED (or an agent reopened it)
    share_reopened: float | None = None
    channels: dict[str, int] = field(default_factory=dict)  # received, by the way they came


def month_span(month: str) -> tuple[dt.datetime, dt.datetime]:
    """The month `YYYY-MM` in Cape Town time, as [start, end)."""
    year, number = (int(part) for part in month.split("-"))
    start = dt.datetime(year, number, 1, tzinfo=CAPE_TOWN)
    end = dt.datetime(year + number // 12, number % 12 + 1, 1, tzinfo=CAPE_TOWN)
    return start, end


def standings(received: Iterable[Due], now: dt.datetime) -> list[Standing]:
    """Per department, category and application service (fault reports apart): received,
    resolved (or decided) within the standard (count and share), median and 90th percentile
    hours (and days) to that, still open past due, an application's decisions by outcome; of
    those ever resolved, how many residents confirmed fixed and how many were reopened
    (counts and shares); and the requests received by the channel they came by. Each row's
    figures are `figure`'s, as the public page's."""
    groups: dict[tuple[str, str, str], list[Due]] = defaultdict(list)
    for due in received:
        groups[(due.department, due.category, due.service or "")].append(due)
    report = []
    for (department, category, service), items in sorted(groups.items()):
        measured = asdict(figure("", items, now))
        del measured["group"]
        report.append(
            Standing(
                department=department,
                category=category,
                service=service or None,
                outcomes=_outcomes(items) if service else {},
                **measured,
            )
        )
    return report


@dataclass(frozen=True, slots=True)
class Figure:
    """How a group of requests received in a month fared: a department's, a category's, an
    area's, a channel's, a month's."""

    group: str
    received: int
    resolved_within: int
    share_within: float | None  # of those received; None when none were
    median_hours: float | None  # time to (first) resolution, of those resolved
    p90_hours: float | None
    median_days: float | None
    p90_days: float | None
    open_past_due: int
    resolved: int
    confirmed_fixed: int
    share_confirmed_fixed: float | None
    reopened: int
    share_reopened: float | None
    channels: dict[str, int]


def figure(group: str, items: list[Due], now: dt.datetime) -> Figure:
    """The one computation of every figure, the JSON report's and the public page's."""
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
    resolved = [d for d in items if d.resolved_at is not None]
    confirmed = sum(1 for d in resolved if d.fixed_confirmed)
    reopened = sum(1 for d in resolved if d.reopened)
    middle = median(hours) if hours else None
    p90 = _percentile(hours, 0.9) if hours else None
    return Figure(
        group=group,
        received=len(items),
        resolved_within=within,
        share_within=_share(within, len(items)),
        median_hours=_rounded(middle),
        p90_hours=_rounded(p90),
        median_days=_rounded(middle, 24),
        p90_days=_rounded(p90, 24),
        open_past_due=sum(1 for d in items if _open(d.status) and d.due_at < now),
        resolved=len(resolved),
        confirmed_fixed=confirmed,
        share_confirmed_fixed=_share(confirmed, len(resolved)),
        reopened=reopened,
        share_reopened=_share(reopened, len(resolved)),
        channels=dict(sorted(Counter(d.channel for d in items).items())),
    )


def _rounded(hours: float | None, per: int = 1) -> float | None:
    return None if hours is None else round(hours / per, 1)


def merged(groups: dict[str, list[Due]]) -> list[tuple[str, list[Due]]]:
    """The groups the public may see: those of FEWEST_SHOWN requests or more by name, the
    rest together as OTHER; while OTHER itself is smaller than that, the smallest named group
    joins it, and when all of them together are too few, nothing is shown."""
    named = sorted(((k, v) for k, v in groups.items() if len(v) >= FEWEST_SHOWN and k != OTHER))
    other = [d for k, v in groups.items() if len(v) < FEWEST_SHOWN or k == OTHER for d in v]
    while other and len(other) < FEWEST_SHOWN and named:
        smallest = min(named, key=lambda kv: (len(kv[1]), kv[0]))
        named.remove(smallest)
        other.extend(smallest[1])
    return named + ([(OTHER, other)] if len(other) >= FEWEST_SHOWN else [])


@dataclass(frozen=True, slots=True)
class MonthFigures:
    """The public page's figures for requests received in `month` (Cape Town): groups of
    fewer than FEWEST_SHOWN merged (`merged`), heat cells of fewer not drawn."""

    month: str
    departments: list[Figure]
    categories: list[Figure]  # an application's service, else the category
    areas: list[Figure]
    channels: list[Figure]
    months: list[Figure]  # the month and the 12 before it, oldest first; too few: left out
    cells: list[tuple[str, int]]  # H3 level-7 cells and their requests, busiest first


def month_figures(month: str, received: Iterable[Due], now: dt.datetime) -> MonthFigures:
    """`received` are the requests of `month` and the 12 months before it."""
    by_month: dict[str, list[Due]] = defaultdict(list)
    for due in received:
        by_month[due.logged_at.astimezone(CAPE_TOWN).strftime("%Y-%m")].append(due)
    these = by_month.get(month, [])

    def table(key: Callable[[Due], str]) -> list[Figure]:
        groups: dict[str, list[Due]] = defaultdict(list)
        for due in these:
            groups[key(due)].append(due)
        return [figure(name, items, now) for name, items in merged(groups)]

    cells = Counter(d.cell for d in these if d.cell is not None)
    return MonthFigures(
        month=month,
        departments=table(lambda d: d.department),
        categories=table(lambda d: d.service or d.category),
        areas=table(lambda d: d.area),
        channels=table(lambda d: d.channel),
        months=[
            figure(m, by_month[m], now)
            for m in [*months_before(month, 12), month]
            if len(by_month.get(m, [])) >= FEWEST_SHOWN
        ],
        cells=sorted(
            ((c, n) for c, n in cells.items() if n >= FEWEST_SHOWN), key=lambda cn: (-cn[1], cn[0])
        ),
    )


def months_before(month: str, count: int) -> list[str]:
    """The `count` months before `month` (`YYYY-MM`), oldest first."""
    year, number = (int(part) for part in month.split("-"))
    found = []
    for back in range(count, 0, -1):
        index = year * 12 + number - 1 - back
        found.append(f"{index // 12:04d}-{index % 12 + 1:02d}")
    return found


def last_whole_month(now: dt.datetime) -> str:
    """The month before this one, in Cape Town."""
    local = now.astimezone(CAPE_TOWN)
    return months_before(local.strftime("%Y-%m"), 1)[0]


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def _outcomes(items: Iterable[Due]) -> dict[str, int]:
    decided = (RequestStatus.APPROVED, RequestStatus.DECLINED, RequestStatus.WITHDRAWN)
    counted = Counter(d.status.value for d in items if d.status in decided)
    return {status.value: counted[status.value] for status in decided}


def _open(status: RequestStatus) -> bool:
    return status.value in OPEN


def _percentile(ordered: list[float], q: float) -> float:
    """The nearest-rank percentile: a value that was really measured."""
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]
