"""Reopening: within 30 days of `resolved` a resident may say it is not fixed, through an agent
(intake) or by replying NOT FIXED (notifications); routing moves it back to `in_progress` for
the same department, at the top of the queue, and the resident is told once."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from shared.contracts.common import RequestStatus
from shared.contracts.requests import ReopenAsked
from shared.contracts.routing import Cause, StatusChanged
from shared.events import CONTENT_TYPE, CloudEvent, new_event, parse_event
from shared.topics import REQUESTS_LOGGED, REQUESTS_REOPEN, REQUESTS_ROUTED, REQUESTS_STATUS, source
from tests.support.clock import NOON, Clock
from tests.support.fakes import FakePublisher
from tests.support.gateways import SmsGatewayServer
from tests.support.intake import Intake, request_body, running_intake
from tests.support.notifications import PHONE, logged, routed, running_notifications
from tests.support.routing import Routing, logged_event, running_routing

TEAM = "water-and-sanitation"


def resolved(reference: str, at: dt.datetime) -> CloudEvent:
    changed = StatusChanged(
        reference=reference,
        status=RequestStatus.RESOLVED,
        previous_status=RequestStatus.IN_PROGRESS,
        department=TEAM,
        cause=Cause.FIXED,
        changed_at=at,
    )
    return new_event(changed, source("routing"), reference, at)


def asks(publisher: FakePublisher) -> list[ReopenAsked]:
    return [
        parse_event(m.value).data_as(ReopenAsked)
        for m in publisher.sent
        if m.topic == REQUESTS_REOPEN
    ]


@pytest.fixture
def publisher() -> FakePublisher:
    return FakePublisher()


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime.now(dt.UTC))


@pytest.fixture
async def intake(tmp_path: Path, publisher: FakePublisher, clock: Clock) -> AsyncIterator[Intake]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'i.db'}"
    async with running_intake(url, publisher=publisher, clock=clock) as running:
        yield running


async def test_an_agent_reopens_within_30_days_and_is_told_why_not_after(
    intake: Intake, publisher: FakePublisher, clock: Clock
) -> None:
    fixed, still_open = [(await intake.post(request_body())).json()["reference"] for _ in "ab"]
    event = resolved(fixed, clock.start + dt.timedelta(minutes=5))
    await intake.app.state.broker.publish(
        event.to_bytes(), REQUESTS_STATUS, key=event.key, headers={"content-type": CONTENT_TYPE}
    )
    ask = {"reason": "The pipe leaks again"}

    async def reopen(reference: str):  # type: ignore[no-untyped-def]
        path = f"/v1/requests/{reference}/reopen"
        return await intake.client.post(path, json=ask, headers=intake.auth)

    clock.now = clock.start + dt.timedelta(days=31)
    late = await reopen(fixed)
    assert late.status_code == 409 and "more than 30 days" in late.json()["error"]["message"]
    unresolved = await reopen(still_open)
    assert unresolved.status_code == 409
    assert "only a resolved" in unresolved.json()["error"]["message"]
    clock.now = clock.start + dt.timedelta(days=29)
    accepted = await reopen(fixed)
    assert accepted.status_code == 202, accepted.text
    await intake.drain_outbox()
    [asked] = asks(publisher)
    assert asked.reference == fixed and asked.reason == "The pipe leaks again"


async def test_routing_reopens_for_the_same_department_at_the_top_of_its_queue(
    tmp_path: Path, publisher: FakePublisher
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'r.db'}"
    async with running_routing(url, publisher=publisher) as routing:
        first, second = (
            logged_event(),
            logged_event(description="Burst main"),
        )  # second is due first
        for event in (first, second):
            await put(routing, REQUESTS_LOGGED, event)
        assert (
            await routing.report(first.subject, TEAM, "resolved", cause="fixed")
        ).status_code == 202
        now = dt.datetime.now(dt.UTC)
        asked = ReopenAsked(
            reference=first.subject, reason="Still leaking", asked_by="thandi", asked_at=now
        )
        await put(routing, REQUESTS_REOPEN, new_event(asked, source("intake"), first.subject, now))
        changes = [
            parse_event(m.value).data_as(StatusChanged)
            for m in publisher.sent
            if m.topic == REQUESTS_STATUS and m.key == first.key
        ]
        assert [(c.previous_status, c.status) for c in changes][-1] == ("resolved", "in_progress")
        assert changes[-1].department == TEAM
        await routing.client.post("/queue/sign-in", data={"credential": await routing.token(TEAM)})
        page = (await routing.client.get("/queue/")).text
        assert page.index(first.subject) < page.index(second.subject) and "reopened" in page


async def put(routing: Routing, topic: str, event: CloudEvent) -> None:
    await routing.app.state.broker.publish(
        event.to_bytes(), topic, key=event.key, headers={"content-type": CONTENT_TYPE}
    )
    await routing.drain_outbox()


async def test_a_not_fixed_reply_from_the_residents_number_asks_and_the_resident_hears_once(
    tmp_path: Path, gateway: SmsGatewayServer, publisher: FakePublisher
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'n.db'}"
    async with running_notifications(url, publisher=publisher, sms_url=gateway.url) as service:
        event = logged(language="en")
        reference = event.subject
        await service.deliver(event, REQUESTS_LOGGED)
        await service.deliver(routed(reference), REQUESTS_ROUTED)
        await service.deliver(resolved(reference, NOON - dt.timedelta(days=2)), REQUESTS_STATUS)
        grouped = f"{reference[:3]} {reference[3:6]} {reference[6:]}"
        stranger = await service.reply("+27825550111", f"NOT FIXED {grouped}")
        assert stranger.json() == {"action": "ignored"}  # not the number its updates go to
        mine = await service.reply(PHONE, f"not fixed {grouped}, water everywhere")
        assert mine.json() == {"action": "reopen asked"}
        await service.app.state.relay.drain()
        [asked] = asks(publisher)
        assert asked.reference == reference and asked.asked_by == "resident by SMS"

        reopened = StatusChanged(
            reference=reference,
            status=RequestStatus.IN_PROGRESS,
            previous_status=RequestStatus.RESOLVED,
            department=TEAM,
            changed_at=NOON,
        )
        await service.deliver(
            new_event(reopened, source("routing"), reference, NOON), REQUESTS_STATUS
        )
        await service.dispatch()
        told = [m["text"] for m in gateway.accepted if "open again" in m["text"]]
        assert len(told) == 1
