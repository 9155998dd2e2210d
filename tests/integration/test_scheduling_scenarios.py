"""Scheduling's announcements, and the open requests it counts per community from routing's
events, written once and run on the in-memory bus and on the real broker, on SQLite and on
PostgreSQL."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest

from services.scheduling.communities.handlers import ListCommunities, list_communities
from shared.bus import consumed_topics
from shared.contracts.common import Area, RequestStatus
from shared.contracts.routing import (
    RequestRouted,
    RequestUnroutable,
    RoutingOutcome,
    StatusChanged,
)
from shared.contracts.visits import VisitCancelled, VisitScheduled
from shared.events import new_event, parse_event
from shared.reference import new_reference
from shared.topics import (
    REQUESTS_LOGGED,
    REQUESTS_ROUTED,
    REQUESTS_STATUS,
    VISITS,
    EventType,
    source,
)
from tests.support.buses import Bus
from tests.support.scheduling import Scheduling, running_scheduling

pytestmark = pytest.mark.integration


async def test_a_plan_is_announced_once_and_a_cancellation_too(database_url: str, bus: Bus) -> None:
    async with (
        bus.watching(VISITS) as announced,
        running_scheduling(database_url, bus=bus) as scheduling,
    ):
        # A month no other test plans, so these visit ids are this test's own.
        first = await scheduling.plan("2029-06")
        assert first.status_code == 201
        visits = first.json()["visits"]
        ids = {v["id"] for v in visits}
        mine = lambda m: m.key.decode() in ids  # noqa: E731
        scheduled = await announced.collect(mine, expected=len(visits), timeout=30)
        again = await scheduling.plan("2029-06")
        assert again.status_code == 200 and again.json()["announced"] == 0
        cancel = await scheduling.operate(
            f"/v1/visits/{visits[0]['id']}/cancel", {"reason": "hall flooded"}
        )
        assert cancel.status_code == 200
        everything = await announced.collect(mine, expected=len(visits) + 1, settle=1.0)
    assert len(visits) >= 8
    events = [parse_event(m.value) for m in scheduled]
    assert [e.type for e in events] == [EventType.VISIT_SCHEDULED] * len(visits)
    assert {e.subject for e in events} == ids
    assert all(
        e.data_as(VisitScheduled).starts_at.utcoffset() == dt.timedelta(hours=2) for e in events
    )
    # The second POST announced nothing; the cancellation, once.
    [cancelled] = [parse_event(m.value) for m in everything[len(visits) :]]
    assert (cancelled.type, cancelled.subject) == (EventType.VISIT_CANCELLED, visits[0]["id"])
    assert cancelled.data_as(VisitCancelled).reason == "hall flooded"


# --- open requests per community, counted from routing's events ----------------------------

T0 = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


def decided(reference: str, community: str, outcome: str = "routed", at: dt.datetime = T0):
    if outcome == "unroutable":
        unroutable = RequestUnroutable(
            reference=reference,
            category="water",
            area=Area.EAST,
            community=community,
            reason="no rule",
            decided_at=at,
        )
        return new_event(unroutable, source("routing"), reference, at)
    routed = RequestRouted(
        reference=reference,
        category="water",
        area=Area.EAST,
        community=community,
        outcome=RoutingOutcome(outcome),
        status=RequestStatus(outcome),
        department="water-and-sanitation" if outcome == "routed" else None,
        decided_at=at,
    )
    return new_event(routed, source("routing"), reference, at)


def progressed(reference: str, status: str, at: dt.datetime):
    changed = StatusChanged(
        reference=reference,
        status=RequestStatus(status),
        previous_status=RequestStatus.ROUTED,
        department="water-and-sanitation",
        changed_at=at,
    )
    return new_event(changed, source("routing"), reference, at)


async def open_requests(scheduling: Scheduling) -> dict[str, int]:
    app = scheduling.app
    found = await list_communities(ListCommunities(), app.state.db, app.state.deps)
    return {c.name: c.open_requests for c in found if c.open_requests}


async def until_open(scheduling: Scheduling, expected: dict[str, int]) -> None:
    counted: dict[str, int] = {}
    for _ in range(300):
        counted = await open_requests(scheduling)
        if counted == expected:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"open requests {counted}, expected {expected}")


async def test_open_requests_are_counted_from_routing_decisions_and_progress(
    database_url: str, bus: Bus
) -> None:
    ref = [new_reference() for _ in range(5)]
    async with running_scheduling(database_url, bus=bus) as scheduling:
        app = scheduling.app
        # It never reads the topic with residents' contact details.
        assert REQUESTS_LOGGED not in consumed_topics(app.state.service.consumes)
        first = decided(ref[0], "Khayelitsha")
        await bus.put(app, REQUESTS_ROUTED, first, first)  # redelivered: counted once
        await bus.put(app, REQUESTS_ROUTED, decided(ref[1], "khayelitsha", "unroutable"))
        await bus.put(app, REQUESTS_ROUTED, decided(ref[2], "Khayelitsha", "referred"))
        await bus.put(app, REQUESTS_ROUTED, decided(ref[3], "Delft"))
        await until_open(scheduling, {"Khayelitsha": 2, "Delft": 1})

        hour = dt.timedelta(hours=1)
        await bus.put(app, REQUESTS_STATUS, progressed(ref[0], "resolved", T0 + hour))
        await until_open(scheduling, {"Khayelitsha": 1, "Delft": 1})
        # Not fixed after all: the resident said so and the department reopened it.
        await bus.put(app, REQUESTS_STATUS, progressed(ref[0], "in_progress", T0 + 2 * hour))
        await until_open(scheduling, {"Khayelitsha": 2, "Delft": 1})

        # The two topics are not ordered with each other: a closing report may come before the
        # decision it follows, and the request stays closed.
        await bus.put(app, REQUESTS_STATUS, progressed(ref[4], "closed", T0 + hour))
        await bus.put(app, REQUESTS_ROUTED, decided(ref[4], "Delft", at=T0))
        await bus.put(app, REQUESTS_STATUS, progressed(ref[3], "closed", T0 + hour))
        await until_open(scheduling, {"Khayelitsha": 2})


async def test_among_communities_waiting_as_long_the_one_with_open_requests_is_visited_first(
    database_url: str, bus: Bus, tmp_path: Path
) -> None:
    seed = tmp_path / "communities.yaml"
    seed.write_text(
        "teams: [solo]\nareas:\n"
        "  north: [{name: Atlantis, venue: Library}]\n"
        "  south: [{name: Ocean View, venue: Library}]\n"
        "  east: [{name: Blikkiesdorp, venue: Hall}, {name: Delft, venue: Library}]\n"
        "  central: [{name: Langa, venue: Library}]\n"
    )
    async with running_scheduling(database_url, bus=bus, communities_seed=seed) as scheduling:
        await bus.put(scheduling.app, REQUESTS_ROUTED, decided(new_reference(), "Delft"))
        await until_open(scheduling, {"Delft": 1})
        visits = (await scheduling.plan("2029-08")).json()["visits"]
    east = [v["community"] for v in visits if v["area"] == "east"]
    assert east[0] == "Delft"  # Blikkiesdorp would go first by name, with no open request
