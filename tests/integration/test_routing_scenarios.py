"""Routing's decisions, written once and run on the in-memory bus and on the real broker, on
SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from services.routing.standards.handlers import NoticeOverdue, notice_overdue
from shared.catalogue import DEPARTMENTS
from shared.contracts.common import RequestStatus
from shared.contracts.routing import Priority, RequestAssigned, RequestOverdue, RequestRouted
from shared.events import CloudEvent, new_event, parse_event
from shared.store import Database
from shared.topics import (
    DEADLETTER,
    REQUESTS_LOGGED,
    REQUESTS_ROUTED,
    REQUESTS_STATUS,
    EventType,
    department_topic,
    source,
)
from tests.support.buses import Bus
from tests.support.routing import logged_event, running_routing

pytestmark = pytest.mark.integration

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


async def test_a_request_past_due_is_announced_once_though_two_replicas_look(
    database_url: str, bus: Bus
) -> None:
    event = logged_event(category="water", description="Burst main on Lansdowne Road")
    mine = lambda m: m.key == event.key  # noqa: E731
    now = [datetime.now(UTC)]
    async with (
        bus.watching(REQUESTS_ROUTED, REQUESTS_STATUS) as published,
        running_routing(database_url, bus=bus, clock=lambda: now[0]) as routing,
    ):
        await bus.put(routing.app, REQUESTS_LOGGED, event)
        await published.collect(mine, expected=1, timeout=30)  # routed: urgent, due in 24 h
        now[0] += timedelta(hours=25)
        other_replica = Database(database_url)
        try:
            deps = routing.app.state.deps
            noticed = await asyncio.gather(
                notice_overdue(NoticeOverdue(), routing.app.state.db, deps),
                notice_overdue(NoticeOverdue(), other_replica, deps),
            )
        finally:
            await other_replica.dispose()
        await routing.drain_outbox()
        messages = await published.collect(mine, expected=2, timeout=30, settle=2.0)
    assert sorted(noticed) == [0, 1]
    overdue = [m for m in messages if m.topic == REQUESTS_STATUS]
    assert [parse_event(m.value).type for m in overdue] == [EventType.REQUEST_OVERDUE]


async def test_readers_skip_the_registrys_events_they_do_not_handle_and_refuse_strangers(
    database_url: str, kafka_bootstrap: str
) -> None:
    # Routing reads request.logged on mo.requests.logged: another event of the registry there
    # is someone else's business; a type no registry knows is an error worth a dead letter.
    # (The real broker only: the in-memory one keeps no dead letters to watch.)
    bus = Bus("kafka", kafka_bootstrap)
    now = datetime.now(UTC)
    overdue = RequestOverdue(
        reference="1234567897",
        category="water",
        department="water-and-sanitation",
        priority=Priority.URGENT,
        status=RequestStatus.ROUTED,
        due_at=now,
        noticed_at=now,
    )
    known = new_event(overdue, source("routing"), overdue.reference, now)
    stranger = CloudEvent.model_validate({**known.model_dump(), "type": "example.unknown.v1"})
    stranger = stranger.model_copy(update={"id": uuid.uuid4()})
    mine = lambda m: m.key == known.key  # noqa: E731
    async with (
        bus.watching(DEADLETTER) as published,
        running_routing(database_url, bus=bus) as routing,
    ):
        await bus.put(routing.app, REQUESTS_LOGGED, known, stranger)
        dead = await published.collect(mine, expected=1, timeout=30, settle=2.0)
    assert len(dead) == 1 and b"example.unknown.v1" in dead[0].value


async def test_an_800_kb_poison_record_of_non_ascii_text_is_one_dead_letter_under_1_mib(
    database_url: str, kafka_bootstrap: str
) -> None:
    # Escaped as \uXXXX the words were 2.4 MB, past the broker's limit: the dead letter
    # failed, the batch was acknowledged anyway and the record vanished. Now it is kept, and
    # keeps only the fields its contract marks public: the resident's words are not among them.
    bus = Bus("kafka", kafka_bootstrap)
    poison = logged_event(description="ūñé水" * (800_000 // 9))
    poison = CloudEvent.model_validate({**poison.model_dump(), "type": "example.unknown.v1"})
    after = logged_event(category="bins")
    async with (
        bus.watching(DEADLETTER, *DEPT_TOPICS) as published,
        running_routing(database_url, bus=bus) as routing,
    ):
        await bus.put(routing.app, REQUESTS_LOGGED, poison, after)
        dead = await published.collect(lambda m: m.key == poison.key, 1, timeout=30, settle=2)
        went_on = await published.collect(lambda m: m.key == after.key, 1, timeout=30)
    assert len(dead) == 1 and len(dead[0].value) < 1024 * 1024
    assert "ūñé水".encode() not in dead[0].value and not any(p in dead[0].value for p in PERSONAL)
    assert len(went_on) == 1  # the consumer went on to the next record
