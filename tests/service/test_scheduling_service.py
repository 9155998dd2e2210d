"""Scheduling's API on a real SQLite store with an in-memory bus."""

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import icalendar
import pytest

from shared.contracts.visits import VisitCancelled, VisitChanged
from shared.events import parse_event
from shared.topics import VISITS, EventType
from tests.support.fakes import FakePublisher
from tests.support.scheduling import Scheduling, running_scheduling


@pytest.fixture
def publisher() -> FakePublisher:
    return FakePublisher()


@pytest.fixture
async def scheduling(tmp_path: Path, publisher: FakePublisher) -> AsyncIterator[Scheduling]:
    async with running_scheduling(
        f"sqlite+aiosqlite:///{tmp_path / 's.db'}", publisher=publisher
    ) as s:
        yield s


async def announced(scheduling: Scheduling, publisher: FakePublisher) -> list:
    await scheduling.app.state.relay.drain()
    events = [parse_event(m.value) for m in publisher.sent if m.topic == VISITS]
    publisher.sent.clear()
    return events


async def test_areas_list_the_seeded_communities_and_venues(scheduling: Scheduling) -> None:
    areas = {a["area"]: a["communities"] for a in (await scheduling.client.get("/v1/areas")).json()}
    assert set(areas) == {"north", "south", "east", "central"}
    assert all(len(c) >= 6 for c in areas.values())
    assert {"name": "Dunoon", "venue": "Dunoon Community Centre", "hours": "18:00-20:00"} in areas[
        "north"
    ]


async def test_a_forced_replan_announces_only_the_differences(
    scheduling: Scheduling, publisher: FakePublisher
) -> None:
    visits = (await scheduling.plan("2026-12")).json()["visits"]
    await announced(scheduling, publisher)
    forced = await scheduling.plan("2026-12", force=True)
    assert forced.json()["announced"] == 0  # nothing changed, nothing announced
    assert await announced(scheduling, publisher) == []

    # A cancelled visit the plan still wants comes back, and nothing else is announced.
    cancelled = visits[0]
    await scheduling.operate(f"/v1/visits/{cancelled['id']}/cancel", {"reason": "hall flooded"})
    await announced(scheduling, publisher)
    replanned = await scheduling.plan("2026-12", force=True)
    events = await announced(scheduling, publisher)
    assert [(e.type, e.subject) for e in events] == [(EventType.VISIT_SCHEDULED, cancelled["id"])]
    assert replanned.json()["announced"] == 1

    # A visit moved by hand goes back to the plan's day: one change, from the day it was on.
    moved = next(v for v in visits if v["date"] >= "2026-12-07")
    taken = {v["date"] for v in visits if v["team"] == moved["team"]}
    free = next(d for d in ("2026-12-09", "2026-12-10", "2026-12-11") if d not in taken)
    response = await scheduling.operate(
        f"/v1/visits/{moved['id']}/reschedule", {"date": free, "reason": "venue"}
    )
    assert response.status_code == 200
    await announced(scheduling, publisher)
    await scheduling.plan("2026-12", force=True)
    [event] = await announced(scheduling, publisher)
    assert (event.type, event.subject) == (EventType.VISIT_CHANGED, moved["id"])
    changed = event.data_as(VisitChanged)
    assert (changed.date.isoformat(), changed.previous_date.isoformat()) == (moved["date"], free)


async def test_a_cancellation_always_succeeds_and_lists_the_broken_rules(
    scheduling: Scheduling, publisher: FakePublisher
) -> None:
    visits = (await scheduling.plan("2026-12")).json()["visits"]
    await announced(scheduling, publisher)
    first_week = [v for v in visits if v["date"] <= "2026-12-06"]
    response = await scheduling.operate(
        f"/v1/visits/{first_week[0]['id']}/cancel", {"reason": "hall flooded"}
    )
    assert response.status_code == 200
    assert response.json()["visit"]["status"] == "cancelled"
    assert any("two-areas-a-week" in rule for rule in response.json()["unmet_rules"])
    [event] = await announced(scheduling, publisher)
    assert event.data_as(VisitCancelled).reason == "hall flooded"


@pytest.mark.parametrize(
    ("date", "says"),
    [
        ("2026-12-12", "Saturday"),
        ("2026-12-16", "Day of Reconciliation"),
        ("2026-12-25", "Christmas"),
    ],
)
async def test_a_reschedule_onto_a_day_off_is_refused(
    scheduling: Scheduling, date: str, says: str
) -> None:
    visit = (await scheduling.plan("2026-12")).json()["visits"][0]
    response = await scheduling.operate(
        f"/v1/visits/{visit['id']}/reschedule", {"date": date, "reason": "venue"}
    )
    assert response.status_code == 409 and says in response.json()["error"]["message"]


async def test_a_reschedule_onto_a_busy_team_is_refused_and_a_free_day_works(
    scheduling: Scheduling, publisher: FakePublisher
) -> None:
    visits = (await scheduling.plan("2026-12")).json()["visits"]
    await announced(scheduling, publisher)
    mine, other = visits[0], next(v for v in visits[1:] if v["team"] == visits[0]["team"])
    busy = await scheduling.operate(
        f"/v1/visits/{mine['id']}/reschedule", {"date": other["date"], "reason": "venue"}
    )
    assert busy.status_code == 409 and "already has a visit" in busy.json()["error"]["message"]
    taken = {v["date"] for v in visits if v["team"] == mine["team"]}
    free = next(
        d for d in ("2026-12-02", "2026-12-04", "2026-12-08", "2026-12-10") if d not in taken
    )
    moved = await scheduling.operate(
        f"/v1/visits/{mine['id']}/reschedule", {"date": free, "reason": "venue double-booked"}
    )
    assert moved.status_code == 200 and moved.json()["date"] == free
    assert moved.json()["starts_at"].startswith(f"{free}T09:30:00+02:00")
    [event] = await announced(scheduling, publisher)
    changed = event.data_as(VisitChanged)
    assert (changed.date.isoformat(), changed.previous_date.isoformat()) == (free, mine["date"])


async def test_an_impossible_month_is_422_naming_the_rule(tmp_path: Path) -> None:
    seed = tmp_path / "communities.yaml"
    seed.write_text(
        "teams: [solo]\nareas:\n  north: [{name: Atlantis, venue: Library}]\n"
        "  south: [{name: Ocean View, venue: Library}]\n  east: [{name: Delft, venue: Library}]\n"
        "  central: []\n"
    )
    async with running_scheduling(
        f"sqlite+aiosqlite:///{tmp_path / 's.db'}", publisher=FakePublisher(), communities_seed=seed
    ) as scheduling:
        response = await scheduling.plan("2026-12")
    assert response.status_code == 422
    assert response.json()["error"]["fields"]["rule"] == "every-area-every-month"
    assert "central" in response.json()["error"]["message"]


@pytest.mark.parametrize("month", ["2026-13", "26-12", "december", "2026-1"])
async def test_a_bad_month_is_named(scheduling: Scheduling, month: str) -> None:
    response = await scheduling.operate("/v1/plans", {"month": month})
    assert response.status_code == 422 and "month" in response.json()["error"]["fields"]


async def test_visits_filter_and_sort(scheduling: Scheduling) -> None:
    await scheduling.plan("2026-12")
    east = (
        await scheduling.client.get("/v1/visits?area=east&from=2026-12-01&to=2026-12-31")
    ).json()
    assert east and all(v["area"] == "east" for v in east)
    dates = [v["date"] for v in (await scheduling.client.get("/v1/visits")).json()]
    assert dates == sorted(dates)


async def test_the_icalendar_feed_gives_back_the_same_visits(scheduling: Scheduling) -> None:
    visits = (await scheduling.plan("2026-12")).json()["visits"]
    community = visits[0]["community"]
    response = await scheduling.client.get(f"/v1/visits.ics?community={community}")
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    mine = [v for v in visits if v["community"] == community]
    assert len(events) == len(mine)
    for event, visit in zip(sorted(events, key=lambda e: e["dtstart"].dt), mine, strict=True):
        assert str(event["uid"]) == f"{visit['id']}@mobileoffice.capetown"
        assert event["dtstart"].dt == dt.datetime.fromisoformat(visit["starts_at"])
        assert str(event["dtstart"].dt.tzinfo) == "Africa/Johannesburg"
        assert str(event["location"]) == visit["venue"]
    again = icalendar.Calendar.from_ical(
        (await scheduling.client.get(f"/v1/visits.ics?community={community}")).content
    )
    assert [str(e["uid"]) for e in again.walk("VEVENT")] == [str(e["uid"]) for e in events]
