"""Service standards, as pure rules: each routing rule's target time is the published
standard for its category; the monthly report per department and category, and when an
overdue request reaches the supervisor."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from statistics import median
from typing import Final

from services.routing.work.domain import OPEN
from shared.clock import CAPE_TOWN
from shared.contracts.common import RequestStatus
from shared.contracts.routing import Priority, RequestOverdue

__all__ = ["DEFAULT_ESCALATE", "Due", "Overdue", "Standing", "month_span", "standings"]

DEFAULT_ESCALATE: Final = dt.timedelta(hours=24)  # a hand-assigned request has no rule


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
    hours to that, still open past due, an application's decisions by outcome; of those ever
    resolved, how many residents confirmed fixed and how many were reopened (counts and
    shares); and the requests received by the channel they came by."""
    groups: dict[tuple[str, str, str], list[Due]] = defaultdict(list)
    for due in received:
        groups[(due.department, due.category, due.service or "")].append(due)
    report = []
    for (department, category, service), items in sorted(groups.items()):
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
        resolved = [d for d in items if d.resolved_at is not None]
        confirmed = sum(1 for d in resolved if d.fixed_confirmed)
        reopened = sum(1 for d in resolved if d.reopened)
        report.append(
            Standing(
                department=department,
                category=category,
                service=service or None,
                received=len(items),
                resolved_within=within,
                share_within=round(within / len(items), 3) if items else None,
                median_hours=round(median(hours), 1) if hours else None,
                p90_hours=round(_percentile(hours, 0.9), 1) if hours else None,
                open_past_due=past_due,
                outcomes=_outcomes(items) if service else {},
                resolved=len(resolved),
                confirmed_fixed=confirmed,
                share_confirmed_fixed=_share(confirmed, len(resolved)),
                reopened=reopened,
                share_reopened=_share(reopened, len(resolved)),
                channels=dict(sorted(Counter(d.channel for d in items).items())),
            )
        )
    return report


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
