"""Service standards with a controlled clock: a request that passes its due time is noticed
exactly once (one `request.overdue` event, the gauge), and the month's standards report counts
it as missed, beside one resolved in time."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry

from services.routing.standards.domain import month_span
from services.routing.standards.handlers import NoticeOverdue, notice_overdue
from shared.clock import CAPE_TOWN
from shared.contracts.routing import RequestOverdue
from shared.events import CONTENT_TYPE, CloudEvent, parse_event
from shared.topics import REQUESTS_LOGGED, REQUESTS_STATUS, EventType
from tests.support.clock import Clock
from tests.support.fakes import FakePublisher
from tests.support.routing import Routing, logged_event, running_routing


@pytest.fixture
def clock() -> Clock:
    # The logged events carry the wall clock's time: routing's clock starts there.
    return Clock(dt.datetime.now(dt.UTC))


@pytest.fixture
def publisher() -> FakePublisher:
    return FakePublisher()


@pytest.fixture
async def routing(tmp_path: Path, publisher: FakePublisher, clock: Clock) -> AsyncIterator[Routing]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'r.db'}"
    async with running_routing(url, publisher=publisher, clock=clock) as running:
        yield running


async def deliver(routing: Routing, event: CloudEvent) -> None:
    await routing.app.state.broker.publish(
        event.to_bytes(), REQUESTS_LOGGED, key=event.key, headers={"content-type": CONTENT_TYPE}
    )
    await routing.drain_outbox()


def month(clock: Clock) -> str:
    return clock.start.astimezone(CAPE_TOWN).strftime("%Y-%m")


def overdue_events(publisher: FakePublisher) -> list[RequestOverdue]:
    return [
        parse_event(m.value).data_as(RequestOverdue)
        for m in publisher.sent
        if m.topic == REQUESTS_STATUS and parse_event(m.value).type == EventType.REQUEST_OVERDUE
    ]


def gauge(registry: CollectorRegistry, department: str, priority: str) -> float:
    value = registry.get_sample_value(
        "mo_routing_overdue_requests", {"department": department, "priority": priority}
    )
    return value or 0.0


async def test_a_request_past_its_standard_is_noticed_once_and_counted_as_missed(
    routing: Routing, publisher: FakePublisher, clock: Clock
) -> None:
    burst = logged_event(category="water", description="Burst main, water gushing")  # urgent, 24 h
    leak = logged_event(category="water", description="Dripping tap")  # normal, 120 h
    for event in (burst, leak):
        await deliver(routing, event)
    clock.now = clock.start + dt.timedelta(hours=2)
    assert (
        await routing.report(leak.subject, "water-and-sanitation", "resolved", cause="fixed")
    ).status_code == 202
    db, deps = routing.app.state.db, routing.app.state.deps

    clock.now = clock.start + dt.timedelta(hours=23)
    assert await notice_overdue(NoticeOverdue(), db, deps) == 0  # not yet due
    clock.now = clock.start + dt.timedelta(hours=25)
    assert await notice_overdue(NoticeOverdue(), db, deps) == 1
    assert await notice_overdue(NoticeOverdue(), db, deps) == 0  # once per request
    await routing.drain_outbox()
    [overdue] = overdue_events(publisher)
    assert overdue.reference == burst.subject and overdue.priority == "urgent"
    assert abs(overdue.due_at - (clock.start + dt.timedelta(hours=24))) < dt.timedelta(seconds=5)
    registry = routing.app.state.registry
    assert gauge(registry, "water-and-sanitation", "urgent") == 1

    report = await routing.client.get("/v1/standards", params={"month": month(clock)})
    assert report.status_code == 200, report.text
    [water] = report.json()
    assert water["department"] == "water-and-sanitation" and water["category"] == "water"
    assert water["received"] == 2 and water["resolved_within"] == 1
    assert water["share_within"] == 0.5 and water["open_past_due"] == 1
    assert water["median_hours"] == pytest.approx(2.0, abs=0.1)

    # Resolved late: no longer open, so the gauge falls; still missed in the report.
    clock.now = clock.start + dt.timedelta(hours=30)
    assert (
        await routing.report(burst.subject, "water-and-sanitation", "resolved", cause="fixed")
    ).status_code == 202
    await notice_overdue(NoticeOverdue(), db, deps)
    assert gauge(registry, "water-and-sanitation", "urgent") == 0
    [water] = (await routing.client.get("/v1/standards", params={"month": month(clock)})).json()
    assert water["resolved_within"] == 1 and water["open_past_due"] == 0
    assert water["p90_hours"] == pytest.approx(30.0, abs=0.1)
    ratio = registry.get_sample_value(
        "mo_routing_within_standard_ratio", {"department": "water-and-sanitation"}
    )
    assert ratio == 0.5  # for the dashboard's panel


async def test_the_standards_report_asks_for_a_month_it_can_read(routing: Routing) -> None:
    refused = await routing.client.get("/v1/standards", params={"month": "November"})
    assert refused.status_code == 422 and "month" in refused.json()["error"]["fields"]
    assert (await routing.client.get("/v1/standards", params={"month": "2020-01"})).json() == []


def test_months_are_cape_town_months() -> None:
    start, end = month_span("2026-12")
    assert start.isoformat() == "2026-12-01T00:00:00+02:00"
    assert end.isoformat() == "2027-01-01T00:00:00+02:00"
