"""Scheduling's pure rules, no I/O: the month's plan (the same inputs always give the same
plan), the days visits may fall on, and the rules a month must meet.

Rules: visits on working days only (Monday to Friday, not a South African public holiday,
observed days included); at least two different areas visited in every week (`AREAS_PER_WEEK`:
the planner plans `visits_per_week`, two, visits a week and never gives a week's visit an area
the week already has while another is possible); every area at least once in the month; at
most one visit per team per day; no community twice in a month while another community of its
area has waited longer; among the communities that qualify, those waiting longest, then with
most open requests, first.

Weeks that straddle two months: a week (Monday to Sunday) belongs to the month that holds its
Thursday, as ISO 8601 assigns weeks to years. That month plans the week's two visits (to two
areas) on its own days of the week; the other month need not plan any in it (its days there
may stay empty).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence

from services.scheduling.communities.domain import Community
from services.scheduling.visits.domain import Visit, month_weeks, visit_id
from shared.contracts.common import Area

__all__ = ["PlanningError", "plan_month", "unmet_rules"]

VISITS_PER_WEEK = 2
"""Visits the planner plans in every week."""
AREAS_PER_WEEK = 2
"""Different areas every week must visit (rule `two-areas-a-week`)."""


class PlanningError(ValueError):
    """A rule the month cannot meet; `rule` names it, the message says why."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule


def plan_month(
    year: int,
    month: int,
    communities: Sequence[Community],
    teams: Sequence[str],
    visits_per_week: int = VISITS_PER_WEEK,
) -> list[Visit]:
    """The month's visits, soonest first; `PlanningError` names a rule it cannot meet."""
    teams = sorted(set(teams))
    if not teams:
        raise PlanningError("teams", "no team is available: at least one team is needed")
    for area in Area:
        if not any(c.area is area for c in communities):
            raise PlanningError(
                "every-area-every-month", f"area {area.value} has no communities to visit"
            )
    slots = _slots(year, month, teams, visits_per_week)
    if len(slots) < len(Area):
        raise PlanningError(
            "every-area-every-month",
            f"{year}-{month:02d} has room for {len(slots)} visits, fewer than the 4 areas",
        )
    return _assign(f"{year}-{month:02d}", slots, communities)


def _slots(
    year: int, month: int, teams: list[str], visits_per_week: int
) -> list[tuple[dt.date, str]]:
    slots: list[tuple[dt.date, str]] = []
    for monday, days in month_weeks(year, month).items():
        if len(days) * len(teams) < visits_per_week:
            raise PlanningError(
                "two-areas-a-week",
                f"the week of {monday.isoformat()} has {len(days)} working day(s) in "
                f"{year}-{month:02d} and there are {len(teams)} team(s): "
                f"{visits_per_week} visits (to {AREAS_PER_WEEK} areas) cannot be planned",
            )
        # Spread the week's visits over its days; share a day between teams only if needed.
        used: dict[dt.date, list[str]] = {}
        for k in range(visits_per_week):
            day = (
                days[(k * len(days)) // visits_per_week]
                if visits_per_week <= len(days)
                else days[k % len(days)]
            )
            taken = used.setdefault(day, [])
            team = next(t for t in _rotation(teams, len(slots)) if t not in taken)
            taken.append(team)
            slots.append((day, team))
    return sorted(slots)


def _rotation(teams: list[str], start: int) -> Iterable[str]:
    """Teams in turn, so the work is shared."""
    return (teams[(start + i) % len(teams)] for i in range(len(teams)))


def _assign(
    month: str, slots: list[tuple[dt.date, str]], communities: Sequence[Community]
) -> list[Visit]:
    last: dict[str, dt.date | None] = {c.name: c.last_visited for c in communities}
    by_area = {area: [c for c in communities if c.area is area] for area in Area}

    def most_deserving(area: Area) -> Community:
        return min(by_area[area], key=_deserving(last))

    covered: set[Area] = set()  # areas visited this month so far
    this_week: dict[dt.date, set[Area]] = {}  # Monday -> areas visited that week so far
    visits = []
    for day, team in slots:
        in_week = this_week.setdefault(_monday(day), set())
        # An area the month has not visited yet (never one the week has: it would be
        # covered), else one the week has not, else any; then the longest waiting.
        candidates = (
            [a for a in Area if a not in covered]
            or [a for a in Area if a not in in_week]
            or list(Area)
        )
        area = min(candidates, key=lambda a: (_deserving(last)(most_deserving(a)), a.value))
        chosen = most_deserving(area)
        covered.add(area)
        in_week.add(area)
        last[chosen.name] = day
        visits.append(
            Visit(
                visit_id(day, chosen.name),
                month,
                day,
                team,
                chosen.name,
                area,
                chosen.venue,
                chosen.starts,
                chosen.ends,
            )
        )
    return visits


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _deserving(
    last: dict[str, dt.date | None],
) -> Callable[[Community], tuple[dt.date, int, str]]:
    """Longest waiting first (never visited before all), then most open requests, then name."""
    return lambda c: (last[c.name] or dt.date.min, -c.open_requests, c.name)


def unmet_rules(year: int, month: int, visits: Sequence[Visit]) -> list[str]:
    """The rules a month's remaining visits no longer meet (after a cancellation, say)."""
    problems = []
    for monday, _days in month_weeks(year, month).items():
        sunday = monday + dt.timedelta(days=6)
        areas = len({v.area for v in visits if monday <= v.date <= sunday})
        if areas < AREAS_PER_WEEK:
            problems.append(
                f"two-areas-a-week: the week of {monday.isoformat()} visits {areas} area(s)"
            )
    missing = sorted(a.value for a in set(Area) - {v.area for v in visits})
    if missing:
        problems.append(f"every-area-every-month: no visit to {', '.join(missing)}")
    return problems
