"""The plan page's pure rules, no I/O: the month as a grid (a row per team, a column per
working day), the rules it meets or breaks, what a move or a cancellation would break before
it is saved, and the communities longest unvisited first. The rules themselves are the
planner's (plans/domain.py's `unmet_rules`, visits/domain.py's `day_off`): this module only
lays them out and compares a month before and after a change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from services.scheduling.communities.domain import Community
from services.scheduling.plans.domain import unmet_rules
from services.scheduling.visits.domain import Visit, day_off, working_days
from shared.contracts.visits import VisitStatus

__all__ = [
    "RULES",
    "Change",
    "Check",
    "CommunityLine",
    "Grid",
    "checks",
    "grid",
    "longest_unvisited",
    "would_break",
]

WORKING_DAYS: str = "working-days"
RULES: dict[str, str] = {
    "two-areas-a-week": "At least two areas visited every week",
    "every-area-every-month": "All four areas visited in the month",
    WORKING_DAYS: "No visit on a weekend or a public holiday",
}
"""The rules a month must meet, in the order the page lists them."""
MISSING: str = "no visit to "  # how `unmet_rules` names the areas a month leaves unvisited


@dataclass(frozen=True, slots=True)
class Check:
    rule: str
    text: str
    problems: tuple[str, ...]  # empty: met

    @property
    def met(self) -> bool:
        return not self.problems


def _problems(year: int, month: int, visits: Sequence[Visit]) -> dict[str, list[str]]:
    """Each rule's problems with the month's scheduled `visits` (cancelled ones left out)."""
    held = [v for v in visits if v.status is VisitStatus.SCHEDULED]
    found: dict[str, list[str]] = {rule: [] for rule in RULES}
    for line in unmet_rules(year, month, held):
        rule, _, detail = line.partition(": ")
        missing, _, areas = detail.partition(MISSING)
        # One problem an area, so a change that leaves one more unvisited names that one.
        details = (
            [f"{MISSING}{a}" for a in areas.split(", ")] if areas and not missing else [detail]
        )
        found.setdefault(rule, []).extend(details)
    for visit in held:
        if (why := day_off(visit.date)) is not None:
            found[WORKING_DAYS].append(f"{visit.community}: {why}")
    return found


def checks(year: int, month: int, visits: Sequence[Visit]) -> list[Check]:
    """Every rule, met or with what breaks it; a month with no visit breaks them all."""
    found = _problems(year, month, visits)
    return [Check(rule, RULES.get(rule, rule), tuple(found[rule])) for rule in found]


@dataclass(frozen=True, slots=True)
class Change:
    """A move (`day` set) or a cancellation (`day` None) of the visit `visit_id`."""

    visit_id: str
    day: dt.date | None = None


def would_break(year: int, month: int, visits: Sequence[Visit], change: Change) -> list[str]:
    """What `change` would break that the month does not break now, in words for the page:
    "All four areas visited in the month: no visit to east"."""
    after = [_changed(v, change) for v in visits]
    before = _problems(year, month, visits)
    broken = []
    for rule, problems in _problems(year, month, after).items():
        for problem in problems:
            if problem not in before.get(rule, []):
                broken.append(f"{RULES.get(rule, rule)}: {problem}")
    return broken


def _changed(visit: Visit, change: Change) -> Visit:
    if visit.id != change.visit_id:
        return visit
    return (
        visit.moved_to(change.day) if change.day else replace(visit, status=VisitStatus.CANCELLED)
    )


@dataclass(frozen=True, slots=True)
class Grid:
    """The month as a calendar: `days` the columns, `teams` the rows, `cells[team][day]`
    the visits of that team that day (cancelled ones shown struck through)."""

    days: list[dt.date]
    teams: list[str]
    cells: dict[str, dict[dt.date, list[Visit]]]


def grid(year: int, month: int, teams: Sequence[str], visits: Sequence[Visit]) -> Grid:
    """A row per team (those with a visit this month too, should one have left) and a column
    per working day (and any other day a visit is on, so none is hidden)."""
    rows = sorted(set(teams) | {v.team for v in visits})
    days = sorted(set(working_days(year, month)) | {v.date for v in visits})
    cells: dict[str, dict[dt.date, list[Visit]]] = {t: {d: [] for d in days} for t in rows}
    for visit in sorted(visits, key=lambda v: (v.status is VisitStatus.CANCELLED, v.id)):
        cells[visit.team][visit.date].append(visit)
    return Grid(days, rows, cells)


@dataclass(frozen=True, slots=True)
class CommunityLine:
    community: Community
    next_visit: dt.date | None


def longest_unvisited(
    communities: Sequence[Community], upcoming: Sequence[Visit], today: dt.date
) -> list[CommunityLine]:
    """Each community with its next scheduled visit from `today`, those never visited first,
    then the longest since their last visit, then most open requests, then by name."""
    following: dict[str, dt.date] = {}
    for visit in upcoming:
        if visit.status is VisitStatus.SCHEDULED and visit.date >= today:
            known = following.get(visit.community)
            following[visit.community] = min(visit.date, known) if known else visit.date
    ordered = sorted(
        communities, key=lambda c: (c.last_visited or dt.date.min, -c.open_requests, c.name)
    )
    return [CommunityLine(c, following.get(c.name)) for c in ordered]
