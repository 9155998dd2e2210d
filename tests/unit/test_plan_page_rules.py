"""The plan page's own layout of the planner's rules (services/scheduling/planning/domain.py):
what a change would newly break, the month's grid, the communities longest unvisited first."""

from __future__ import annotations

import datetime as dt

from services.scheduling.communities.domain import Community
from services.scheduling.planning.domain import Change, checks, grid, longest_unvisited, would_break
from services.scheduling.visits.domain import Visit
from shared.contracts.common import Area
from shared.contracts.visits import VisitStatus


def visit(day: str, community: str, area: Area, team: str = "t1") -> Visit:
    when = dt.date.fromisoformat(day)
    return Visit(
        f"{day}-{community}",
        "2026-12",
        when,
        team,
        community,
        area,
        "hall",
        dt.time(9, 30),
        dt.time(13, 30),
    )


# Two visits to two areas in each of December 2026's five weeks, every area (east once).
DECEMBER = [
    visit("2026-12-01", "A", Area.NORTH),
    visit("2026-12-03", "B", Area.EAST),
    visit("2026-12-07", "C", Area.SOUTH),
    visit("2026-12-09", "D", Area.CENTRAL),
    visit("2026-12-14", "E", Area.NORTH),
    visit("2026-12-17", "F", Area.CENTRAL),
    visit("2026-12-21", "G", Area.SOUTH),
    visit("2026-12-23", "H", Area.NORTH),
    visit("2026-12-28", "I", Area.SOUTH),
    visit("2026-12-30", "J", Area.CENTRAL),
]


def test_a_kept_month_meets_every_rule() -> None:
    assert [c.met for c in checks(2026, 12, DECEMBER)] == [True, True, True]


def test_a_move_names_only_what_it_newly_breaks() -> None:
    moved = Change("2026-12-03-B", dt.date(2026, 12, 8))
    assert would_break(2026, 12, DECEMBER, moved) == [
        "At least two areas visited every week: the week of 2026-11-30 visits 1 area(s)"
    ]
    within_its_week = Change("2026-12-03-B", dt.date(2026, 12, 4))
    assert would_break(2026, 12, DECEMBER, within_its_week) == []


def test_a_cancellation_names_the_area_it_leaves_unvisited() -> None:
    assert would_break(2026, 12, DECEMBER, Change("2026-12-03-B")) == [
        "At least two areas visited every week: the week of 2026-11-30 visits 1 area(s)",
        "All four areas visited in the month: no visit to east",
    ]
    # What the month breaks already is not news: central has no visit before the change.
    short = [v for v in DECEMBER if v.area is not Area.CENTRAL]
    assert would_break(2026, 12, short, Change("2026-12-03-B")) == [
        "At least two areas visited every week: the week of 2026-11-30 visits 1 area(s)",
        "All four areas visited in the month: no visit to east",
    ]


def test_two_visits_to_one_area_in_a_week_break_the_two_areas_rule() -> None:
    north_twice = [
        visit("2026-12-03", "B", Area.NORTH) if v.community == "B" else v for v in DECEMBER
    ]
    [areas, every_area, _] = checks(2026, 12, north_twice)
    assert areas.text == "At least two areas visited every week"
    assert areas.problems == ("the week of 2026-11-30 visits 1 area(s)",)
    assert not every_area.met and every_area.problems == ("no visit to east",)
    # A move that leaves a week two visits, both to the north, is named before it is saved.
    three = [*DECEMBER, visit("2026-12-02", "K", Area.NORTH, "t2")]
    assert would_break(2026, 12, three, Change("2026-12-03-B", dt.date(2026, 12, 8))) == [
        "At least two areas visited every week: the week of 2026-11-30 visits 1 area(s)"
    ]


def test_a_visit_on_a_public_holiday_breaks_the_working_days_rule() -> None:
    on_holiday = [*DECEMBER, visit("2026-12-16", "K", Area.EAST, "t2")]
    [*_, days] = checks(2026, 12, on_holiday)
    assert not days.met and "Day of Reconciliation" in days.problems[0]


def test_the_grid_has_a_row_per_team_and_a_column_per_working_day() -> None:
    cancelled = visit("2026-12-02", "Z", Area.EAST, "t2")
    laid = grid(2026, 12, ["t1"], [*DECEMBER, cancelled.cancelled()])
    assert laid.teams == ["t1", "t2"]
    assert dt.date(2026, 12, 16) not in laid.days and dt.date(2026, 12, 25) not in laid.days
    assert len(laid.days) == 21 and laid.cells["t1"][dt.date(2026, 12, 1)][0].community == "A"
    assert laid.cells["t2"][dt.date(2026, 12, 2)][0].status is VisitStatus.CANCELLED


def test_the_communities_longest_unvisited_come_first_with_their_next_visit() -> None:
    communities = [
        Community("Recent", Area.NORTH, "hall", last_visited=dt.date(2026, 11, 20)),
        Community("Long ago", Area.EAST, "hall", last_visited=dt.date(2026, 6, 1)),
        Community("Never", Area.SOUTH, "hall"),
        Community("Never, busy", Area.SOUTH, "hall", open_requests=4),
    ]
    lines = longest_unvisited(communities, DECEMBER, dt.date(2026, 11, 26))
    assert [line.community.name for line in lines] == ["Never, busy", "Never", "Long ago", "Recent"]
    assert all(line.next_visit is None for line in lines)
    upcoming = [
        visit("2026-12-02", "Recent", Area.NORTH),
        visit("2026-12-09", "Recent", Area.NORTH),
    ]
    [*_, recent] = longest_unvisited(communities, upcoming, dt.date(2026, 11, 26))
    assert recent.next_visit == dt.date(2026, 12, 2)
