"""Routing's decisions, written once and run on the in-memory bus and on the real broker, on
SQLite and on PostgreSQL."""

from __future__ import annotations

from shared.catalogue import DEPARTMENTS
from shared.contracts.routing import RequestAssigned, RequestRouted
from shared.events import parse_event
from shared.topics import REQUESTS_LOGGED, REQUESTS_ROUTED, department_topic
from tests.support.buses import Bus
from tests.support.routing import logged_event, running_routing

DEPT_TOPICS = [department_topic(d.slug) for d in DEPARTMENTS]
# The address stays: the department must find the bin. Contact details never travel.
PERSONAL = (b"Nomsa", b"Dlamini", b"825550199", b"example.org", b"123456789")


async def test_one_logged_event_gives_one_assignment_and_one_routed_event(
    database_url: str, bus: Bus
) -> None:
    event = logged_event(category="bins")
    mine = lambda m: m.key == event.key  # noqa: E731
    async with (
        bus.watching(*DEPT_TOPICS, REQUESTS_ROUTED) as published,
        running_routing(database_url, bus=bus) as routing,
    ):
        await bus.put(routing.app, REQUESTS_LOGGED, event)
        messages = await published.collect(mine, expected=2, timeout=30, settle=1.0)
    [assignment] = [m for m in messages if m.topic != REQUESTS_ROUTED]
    assert assignment.topic == "mo.dept.solid-waste"
    assigned = parse_event(assignment.value).data_as(RequestAssigned)
    assert assigned.department == "solid-waste" and assigned.resident_contactable
    assert (assigned.due_at - assigned.logged_at).total_seconds() == 336 * 3600
    [decision] = [m for m in messages if m.topic == REQUESTS_ROUTED]
    routed = parse_event(decision.value).data_as(RequestRouted)
    assert routed.department == "solid-waste" and routed.status == "routed"
    for message in messages:
        assert not any(p in message.value for p in PERSONAL), message.topic


async def test_the_same_event_delivered_twice_gives_one_assignment(
    database_url: str, bus: Bus
) -> None:
    event = logged_event()
    mine = lambda m: m.key == event.key  # noqa: E731
    async with (
        bus.watching(*DEPT_TOPICS) as departments,
        running_routing(database_url, bus=bus) as routing,
    ):
        await bus.put(routing.app, REQUESTS_LOGGED, event, event)
        assignments = await departments.collect(mine, expected=1, timeout=30, settle=2.0)
    assert [a.topic for a in assignments] == ["mo.dept.water-and-sanitation"]
