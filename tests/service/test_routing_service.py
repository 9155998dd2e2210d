"""Routing's consumer and API on a real SQLite store with FastStream's in-memory broker."""

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from services.routing import store
from shared import credentials
from shared.contracts.routing import RequestRouted, StatusChanged
from shared.credentials import Role
from shared.deadletter import scrub
from shared.events import CONTENT_TYPE, CloudEvent, parse_event
from shared.topics import REQUESTS_LOGGED, REQUESTS_ROUTED, REQUESTS_STATUS, EventType
from tests.support.fakes import FakePublisher
from tests.support.routing import Routing, logged_event, running_routing
from tests.support.tokens import issue

PERSONAL = (b"Nomsa", b"Dlamini", b"825550199", b"example.org", b"123456789")


@pytest.fixture
def publisher() -> FakePublisher:
    return FakePublisher()


@pytest.fixture
async def routing(tmp_path: Path, publisher: FakePublisher) -> AsyncIterator[Routing]:
    async with running_routing(
        f"sqlite+aiosqlite:///{tmp_path / 'r.db'}", publisher=publisher
    ) as r:
        yield r


async def deliver(routing: Routing, event: CloudEvent) -> None:
    await routing.app.state.broker.publish(
        event.to_bytes(), REQUESTS_LOGGED, key=event.key, headers={"content-type": CONTENT_TYPE}
    )
    await routing.drain_outbox()


def sent(publisher: FakePublisher, reference: str, topic: str | None = None):
    return [
        m
        for m in publisher.sent
        if m.key == reference.encode() and (topic is None or m.topic == topic)
    ]


async def test_a_referral_tells_the_resident_whom_to_call(
    routing: Routing, publisher: FakePublisher
) -> None:
    event = logged_event(category="electricity", community="Philippi")
    await deliver(routing, event)
    messages = sent(publisher, event.subject)
    assert [m.topic for m in messages] == [REQUESTS_ROUTED]
    routed = parse_event(messages[0].value).data_as(RequestRouted)
    assert routed.status == "referred" and "Eskom" in (routed.note or "")


async def test_unroutable_requests_wait_for_triage_and_can_be_assigned_by_hand(
    routing: Routing, publisher: FakePublisher
) -> None:
    for rule in (
        await routing.client.get("/v1/rules", headers=await routing.auth("operators"))
    ).json():
        if rule["category"] == "parks":
            response = await routing.client.post(
                f"/v1/rules/{rule['id']}/retire",
                json={"reason": "parks moved to a contractor"},
                headers=await routing.auth("operators"),
            )
            assert response.status_code == 204
    event = logged_event(category="parks")
    await deliver(routing, event)
    [message] = sent(publisher, event.subject)
    assert parse_event(message.value).type == EventType.REQUEST_UNROUTABLE
    triage = await routing.client.get(
        "/v1/requests?status=unroutable", headers=await routing.auth("operators")
    )
    assert [r["reference"] for r in triage.json()] == [event.subject]
    metrics = (await routing.client.get("/metrics")).text
    assert "mo_routing_unroutable_requests 1.0" in metrics
    assert 'mo_routing_decisions_total{department="none",outcome="unroutable"} 1.0' in metrics

    response = await routing.client.post(
        f"/v1/requests/{event.subject}/assign",
        json={"department": "recreation-and-parks", "note": "contractor's park"},
        headers=await routing.auth("operators"),
    )
    assert response.status_code == 202
    await routing.drain_outbox()
    assert len(sent(publisher, event.subject, "mo.dept.recreation-and-parks")) == 1
    assert "mo_routing_unroutable_requests 0.0" in (await routing.client.get("/metrics")).text


async def test_a_department_reports_progress(routing: Routing, publisher: FakePublisher) -> None:
    event = logged_event()
    await deliver(routing, event)
    response = await routing.report(
        event.subject, "water-and-sanitation", "acknowledged", "Team booked"
    )
    assert response.status_code == 202
    await routing.drain_outbox()
    [message] = sent(publisher, event.subject, REQUESTS_STATUS)
    changed = parse_event(message.value).data_as(StatusChanged)
    assert (changed.previous_status, changed.status, changed.note) == (
        "routed",
        "acknowledged",
        "Team booked",
    )


async def test_illegal_moves_and_other_departments_get_409_with_the_reason(
    routing: Routing,
) -> None:
    event = logged_event()
    await deliver(routing, event)
    ref = event.subject
    assert (
        await routing.report(ref, "water-and-sanitation", "resolved", cause="fixed")
    ).status_code == 202
    backwards = await routing.report(ref, "water-and-sanitation", "acknowledged")
    assert backwards.status_code == 409
    assert "resolved cannot become acknowledged" in backwards.json()["error"]["message"]
    other = await routing.report(ref, "electricity", "closed", cause="fixed")
    assert other.status_code == 409
    assert "assigned to water-and-sanitation" in other.json()["error"]["message"]
    assert (
        await routing.report(ref, "water-and-sanitation", "in_progress")
    ).status_code == 202  # reopened


async def test_status_reports_need_a_department_token(routing: Routing) -> None:
    event = logged_event()
    await deliver(routing, event)
    url = f"/v1/requests/{event.subject}/status"
    assert (await routing.client.post(url, json={"status": "acknowledged"})).status_code == 401
    operators = await routing.client.post(
        url, json={"status": "acknowledged"}, headers=await routing.auth("operators")
    )
    assert operators.status_code == 403
    token = await issue(
        routing.app.state.db, store.credentials, "water-and-sanitation", Role.DEPARTMENT
    )
    await credentials.revoke(
        routing.app.state.db, store.credentials, "water-and-sanitation", now=datetime.now(UTC)
    )
    revoked = await routing.client.post(
        url, json={"status": "acknowledged"}, headers={"Authorization": f"Bearer {token}"}
    )
    assert revoked.status_code == 403
    other = await routing.report("1234567890", "electricity", "acknowledged")
    assert other.status_code == 422 and other.json()["error"]["code"] == "invalid_reference"


async def test_rule_changes_are_audited_and_conflicts_refused(routing: Routing) -> None:
    operators = await routing.auth("operators")
    rule = {"category": "parks", "area": "south", "department": "solid-waste", "priority": "high"}
    created = await routing.client.post(
        "/v1/rules", json={"rule": rule, "reason": "south contract"}, headers=operators
    )
    assert created.status_code == 201
    clash = {**rule, "department": "revenue"}
    refused = await routing.client.post(
        "/v1/rules", json={"rule": clash, "reason": "oops"}, headers=operators
    )
    assert refused.status_code == 409 and "disagree" in refused.json()["error"]["message"]
    history = (await routing.client.get("/v1/rules/history", headers=operators)).json()
    assert history[-1]["action"] == "create" and history[-1]["reason"] == "south contract"
    assert history[-1]["by"] == "operators"
    unauthorised = await routing.client.post("/v1/rules", json={"rule": rule, "reason": "x" * 5})
    assert unauthorised.status_code == 401


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"keywords": ["   "]}, "rule.keywords.0"),  # blank: it would match every description
        ({"keywords": ["burst\u2028pipe"]}, "rule.keywords.0"),
        ({"target_hours": 0}, "rule.target_hours"),
        ({"community": "Khaye\u202elitsha"}, "rule.community"),
    ],
)
async def test_a_bad_rule_is_refused_naming_the_field(
    routing: Routing, change: dict, field: str
) -> None:
    rule = {"category": "parks", "area": "south", "department": "solid-waste", **change}
    response = await routing.client.post(
        "/v1/rules",
        json={"rule": rule, "reason": "a test"},
        headers=await routing.auth("operators"),
    )
    assert response.status_code == 422 and field in response.json()["error"]["fields"]


def test_dead_letters_lose_their_personal_fields() -> None:
    event = logged_event()
    scrubbed, _ = scrub(event.to_bytes())
    assert not any(p in scrubbed for p in PERSONAL)
    assert json.loads(scrubbed)["data"]["reference"] == event.subject
    unparseable, _ = scrub(b"\x00 not json 0825550199")
    assert json.loads(unparseable)["unparseable"] is True and b"0825550199" not in unparseable
