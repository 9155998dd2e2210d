"""The month's plan obeys every rule, or the planner names the rule it cannot meet."""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.scheduling.communities.adapters import load_seed
from services.scheduling.communities.domain import Community
from services.scheduling.plans.domain import PlanningError, plan_month, unmet_rules
from services.scheduling.visits.domain import Visit, month_weeks
from shared.contracts.common import Area

ZA = holidays.country_holidays("ZA", years=range(2025, 2032))
SEED = Path(__file__).resolve().parents[2] / "deploy" / "communities.yaml"


def check_rules(year: int, month: int, visits: list[Visit], communities: list[Community]) -> None:
    """The rules, checked independently of how the planner meets them."""
    for v in visits:
        assert (v.date.year, v.date.month) == (year, month)
        assert v.date.weekday() < 5, f"{v.date} is a weekend"
        assert v.date not in ZA, f"{v.date} is {ZA.get(v.date)}"
    # At least two different areas in every week the month owns (the week of its Thursday).
    first = dt.date(year, month, 1)
    monday = first - dt.timedelta(days=first.weekday())
    while monday <= dt.date(year, month, 28) + dt.timedelta(days=7):
        thursday = monday + dt.timedelta(days=3)
        if (thursday.year, thursday.month) == (year, month):
            in_week = [v for v in visits if monday <= v.date <= monday + dt.timedelta(days=6)]
            areas = {v.area for v in in_week}
            assert len(areas) >= 2, f"week of {monday}: {len(in_week)} visits to {areas}"
        monday += dt.timedelta(days=7)
    assert {v.area for v in visits} == set(Area)
    per_team_day = Counter((v.team, v.date) for v in visits)
    assert max(per_team_day.values()) == 1
    # No community twice while another of its area has waited longer.
    last = {c.name: c.last_visited or dt.date.min for c in communities}
    area_of = {c.name: c.area for c in communities}
    seen: set[str] = set()
    for v in sorted(visits, key=lambda v: (v.date, v.team)):
        if v.community in seen:
            others = [n for n, a in area_of.items() if a is v.area and n != v.community]
            assert all(last[n] >= last[v.community] for n in others), f"{v.community} twice"
        seen.add(v.community)
        last[v.community] = v.date
    assert sorted(visits, key=lambda v: (v.date, v.team)) == visits


community_sets = st.lists(
    st.tuples(
        st.sampled_from(list(Area)),
        st.integers(0, 30),
        st.one_of(st.none(), st.dates(dt.date(2024, 1, 1), dt.date(2025, 12, 31))),
    ),
    min_size=1,
    max_size=24,
).map(
    lambda rows: [
        Community(f"c{i}", area, f"venue {i}", open_requests=open_, last_visited=last)
        for i, (area, open_, last) in enumerate(rows)
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    year=st.integers(2026, 2030),
    month=st.integers(1, 12),
    teams=st.integers(1, 4),
    communities=community_sets,
)
def test_every_plan_obeys_every_rule_or_names_the_one_it_cannot_meet(
    year, month, teams, communities
):
    team_names = [f"team-{i}" for i in range(teams)]
    try:
        visits = plan_month(year, month, communities, team_names)
    except PlanningError as refusal:
        # Refusals must be real: an area with no community, or a week too short.
        if refusal.rule == "every-area-every-month":
            assert {c.area for c in communities} != set(Area)
        else:
            assert refusal.rule == "two-areas-a-week"
            assert any(len(days) * teams < 2 for days in month_weeks(year, month).values())
        return
    check_rules(year, month, visits, communities)
    assert plan_month(year, month, list(communities), list(reversed(team_names))) == visits


def seed(per_area: int = 6) -> list[Community]:
    return [
        Community(f"{a.value}-{i}", a, f"Hall {a.value} {i}") for a in Area for i in range(per_area)
    ]


def test_december_2026() -> None:
    visits = plan_month(2026, 12, seed(), ["mobile-office-1", "mobile-office-2"])
    check_rules(2026, 12, visits, seed())
    days = {v.date for v in visits}
    assert dt.date(2026, 12, 16) not in days  # Day of Reconciliation
    assert dt.date(2026, 12, 25) not in days  # Christmas
    # The week of 28 December belongs to December (its Thursday is the 31st).
    assert len([d for d in days if d >= dt.date(2026, 12, 28)]) >= 2


def test_april_2027_with_easter_and_freedom_day() -> None:
    visits = plan_month(2027, 4, seed(), ["mobile-office-1"])
    check_rules(2027, 4, visits, seed())
    days = {v.date for v in visits}
    assert dt.date(2027, 4, 27) not in days  # Freedom Day
    # 29 March to 4 April is April's week (its Thursday is 1 April): Family Day (29 March)
    # is March's; April plans the week's two visits on Thursday 1 and Friday 2 April.
    assert {dt.date(2027, 4, 1), dt.date(2027, 4, 2)} <= days


def test_longest_waiting_and_most_open_requests_go_first() -> None:
    communities = [
        Community("Recent", Area.EAST, "Hall", last_visited=dt.date(2026, 10, 1)),
        Community("Waiting", Area.EAST, "Hall", last_visited=dt.date(2026, 3, 1)),
        Community("Busy", Area.EAST, "Hall", last_visited=dt.date(2026, 3, 1), open_requests=9),
        *[Community(f"{a.value}", a, "Hall") for a in Area if a is not Area.EAST],
    ]
    east = [
        v.community for v in plan_month(2026, 12, communities, ["t1", "t2"]) if v.area is Area.EAST
    ]
    assert east[:3] == ["Busy", "Waiting", "Recent"]


def test_the_same_inputs_give_the_same_plan() -> None:
    assert plan_month(2027, 2, seed(), ["a", "b"]) == plan_month(2027, 2, seed(), ["b", "a"])


@pytest.mark.parametrize(
    ("teams", "communities", "rule"),
    [
        ([], seed(), "teams"),
        (["t1"], [c for c in seed() if c.area is not Area.SOUTH], "every-area-every-month"),
    ],
)
def test_impossible_months_name_the_rule(teams, communities, rule) -> None:
    with pytest.raises(PlanningError) as refusal:
        plan_month(2026, 12, communities, teams)
    assert refusal.value.rule == rule


def test_a_week_with_one_working_day_and_one_team_is_refused() -> None:
    # A month whose own week has a single working day (it starts on a Thursday before a
    # holiday Friday, say): with one team, two visits that week cannot be had.
    weeks = {
        (y, m): w
        for y in range(2026, 2031)
        for m in range(1, 13)
        for w in month_weeks(y, m).values()
        if len(w) < 2
    }
    assert weeks, "some month in 2026-2030 has an owned week with fewer than 2 working days"
    (year, month), _ = next(iter(weeks.items()))
    with pytest.raises(PlanningError) as refusal:
        plan_month(year, month, seed(), ["only-team"])
    assert refusal.value.rule == "two-areas-a-week"
    assert "working day" in str(refusal.value)


def test_visit_ids_are_stable_and_readable() -> None:
    [first, *_] = plan_month(2026, 12, seed(), ["t1", "t2"])
    assert first.id == f"{first.date.isoformat()}-{first.community.lower()}"
    by_id = defaultdict(list)
    for v in plan_month(2026, 12, seed(), ["t1", "t2"]):
        by_id[v.id].append(v)
    assert all(len(v) == 1 for v in by_id.values())


def visit(day: str, community: str, area: Area) -> Visit:
    when = dt.date.fromisoformat(day)
    return Visit(
        f"{day}-{community}",
        day[:7],
        when,
        "t1",
        community,
        area,
        "hall",
        dt.time(9, 30),
        dt.time(13, 30),
    )


def test_two_visits_to_one_area_in_a_week_break_the_two_areas_rule() -> None:
    # December 2026 visits every area, two visits every week; the week of 7 December visits
    # the north twice: two visits, but one area.
    december = [
        visit("2026-12-01", "A", Area.NORTH),
        visit("2026-12-03", "B", Area.EAST),
        visit("2026-12-07", "C", Area.NORTH),
        visit("2026-12-09", "D", Area.NORTH),
        visit("2026-12-14", "E", Area.SOUTH),
        visit("2026-12-17", "F", Area.CENTRAL),
        visit("2026-12-21", "G", Area.SOUTH),
        visit("2026-12-23", "H", Area.NORTH),
        visit("2026-12-28", "I", Area.SOUTH),
        visit("2026-12-30", "J", Area.CENTRAL),
    ]
    assert unmet_rules(2026, 12, december) == [
        "two-areas-a-week: the week of 2026-12-07 visits 1 area(s)"
    ]
    kept = [replace(v, area=Area.EAST) if v.community == "D" else v for v in december]
    assert unmet_rules(2026, 12, kept) == []
    # A week with no visit at all visits no area.
    assert unmet_rules(2026, 12, [v for v in kept if v.community not in "AB"]) == [
        "two-areas-a-week: the week of 2026-11-30 visits 0 area(s)"
    ]


@pytest.mark.parametrize("teams", [["mobile-office-1"], ["mobile-office-1", "mobile-office-2"]])
@pytest.mark.parametrize("source", ["deploy", "fixture"])
def test_a_year_of_plans_visits_two_areas_every_week_and_all_four_every_month(
    source: str, teams: list[str]
) -> None:
    # Every month of 2027 in turn, each planned with the last visits of the months before
    # it (as the service does): every week at least two areas, every month all four.
    communities = load_seed(SEED).communities() if source == "deploy" else seed()
    for month in range(1, 13):
        visits = plan_month(2027, month, communities, teams)
        check_rules(2027, month, visits, communities)
        assert unmet_rules(2027, month, visits) == []
        last = {v.community: v.date for v in visits}
        communities = [
            replace(c, last_visited=last.get(c.name, c.last_visited)) for c in communities
        ]


def test_a_week_with_more_visits_than_areas_spreads_them_over_the_areas() -> None:
    # Five teams and eight visits a week: the week's areas repeat only once all four are in it.
    visits = plan_month(2027, 3, seed(), [f"t{i}" for i in range(5)], visits_per_week=8)
    weeks: dict[dt.date, list[Area]] = defaultdict(list)
    for v in visits:
        weeks[v.date - dt.timedelta(days=v.date.weekday())].append(v.area)
    for monday, areas in weeks.items():
        assert len(set(areas)) == min(len(areas), len(Area)), f"week of {monday}: {areas}"
