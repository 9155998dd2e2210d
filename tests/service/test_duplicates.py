"""The same problem reported again: intake offers the open requests of the category nearby
(within 250 m, or the same community), an agent joins the resident to one instead of logging
it twice, and the resident hears its updates; a department closing a request as a duplicate
moves its residents to the other request, and nobody hears the same change twice."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from shared.contracts.common import RequestStatus
from shared.contracts.requests import FollowerJoined, ResidentContact
from shared.contracts.routing import Cause, StatusChanged
from shared.events import CONTENT_TYPE, CloudEvent, new_event, parse_event
from shared.topics import REQUESTS_LOGGED, REQUESTS_ROUTED, REQUESTS_STATUS, EventType, source
from tests.support.clock import NOON
from tests.support.fakes import FakePublisher
from tests.support.gateways import SmsGatewayServer
from tests.support.intake import RESIDENT, Intake, request_body, running_intake
from tests.support.notifications import PHONE, Notifications, logged, routed

TEAM = "water-and-sanitation"
LAT, LON = -34.0479, 18.6731  # Khayelitsha
METRE = 1 / 111_320  # of latitude, in degrees
OTHER_PHONE = "+27825550111"


@pytest.fixture
def publisher() -> FakePublisher:
    return FakePublisher()


@pytest.fixture
async def intake(tmp_path: Path, publisher: FakePublisher) -> AsyncIterator[Intake]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'i.db'}"
    async with running_intake(url, publisher=publisher) as running:
        yield running


async def logged_at(intake: Intake, category: str, metres_north: float, community: str) -> str:
    where = {"area": "east", "community": community, "lat": LAT + metres_north * METRE, "lon": LON}
    answer = await intake.post(request_body(category=category, location=where))
    assert answer.status_code == 201, answer.text
    return str(answer.json()["reference"])


async def test_nearby_offers_open_requests_of_the_category_within_250_m_or_the_community(
    intake: Intake,
) -> None:
    near = await logged_at(intake, "water", 100, "Site C")
    far = await logged_at(intake, "water", 400, "Site D")
    other_kind = await logged_at(intake, "electricity", 100, "Site C")
    closed = await logged_at(intake, "water", 100, "Site C")
    at = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)
    changed = StatusChanged(
        reference=closed,
        status=RequestStatus.CLOSED,
        previous_status=RequestStatus.ROUTED,
        department=TEAM,
        cause=Cause.NO_FURTHER_ACTION,
        cause_detail="private property",
        changed_at=at,
    )
    event = new_event(changed, source("routing"), closed, at)
    await intake.app.state.broker.publish(
        event.to_bytes(), REQUESTS_STATUS, key=event.key, headers={"content-type": CONTENT_TYPE}
    )
    ask: dict[str, str | float] = {
        "category": "water",
        "community": "Site B",
        "lat": LAT,
        "lon": LON,
    }
    found = await intake.client.get("/v1/requests/nearby", params=ask, headers=intake.auth)
    assert found.status_code == 200, found.text
    assert [(n["reference"], n["distance_m"]) for n in found.json()] == [(near, 100)]
    by_name = await intake.client.get(
        "/v1/requests/nearby",
        params={"category": "water", "community": "site d"},
        headers=intake.auth,
    )
    assert [n["reference"] for n in by_name.json()] == [far]
    assert other_kind not in found.text and closed not in found.text


async def test_joining_a_resident_logs_nothing_twice(
    intake: Intake, publisher: FakePublisher
) -> None:
    reference = (await intake.post(request_body())).json()["reference"]
    await intake.drain_outbox()
    before = len(publisher.sent)
    neighbour = {**RESIDENT, "phone": "082 555 0111", "name": "Sipho"}
    joined = await intake.client.post(
        f"/v1/requests/{reference}/followers", json={"resident": neighbour}, headers=intake.auth
    )
    assert joined.status_code == 202, joined.text
    await intake.drain_outbox()
    [event] = [parse_event(m.value) for m in publisher.sent[before:]]
    assert event.type == EventType.FOLLOWER_JOINED  # no second request.logged
    assert event.data_as(FollowerJoined).resident.phone == OTHER_PHONE


def status(
    reference: str, new: RequestStatus, previous: RequestStatus, **why: object
) -> CloudEvent:
    changed = StatusChanged(
        reference=reference,
        status=new,
        previous_status=previous,
        department=TEAM,
        changed_at=NOON,
        **why,  # type: ignore[arg-type]
    )
    return new_event(changed, source("routing"), reference, NOON)


def follower(reference: str, phone: str) -> CloudEvent:
    resident = ResidentContact(phone=phone, language="en", updates_by="sms")  # type: ignore[arg-type]
    joined = FollowerJoined(reference=reference, resident=resident, agent="thandi", joined_at=NOON)
    return new_event(joined, source("intake"), reference, NOON)


async def test_a_duplicates_residents_hear_the_other_requests_news_once_each(
    service: Notifications, gateway: SmsGatewayServer
) -> None:
    kept, repeat = logged(language="en"), logged(language="en")
    # The repeat was logged by someone else, and the first resident joined it too.
    repeat_data = dict(repeat.data)
    repeat_data["resident"] = {**repeat_data["resident"], "phone": OTHER_PHONE}
    repeat = repeat.model_copy(update={"data": repeat_data})
    for event in (kept, repeat):
        await service.deliver(event, REQUESTS_LOGGED)
        await service.deliver(routed(event.subject), REQUESTS_ROUTED)
    await service.deliver(follower(repeat.subject, PHONE), REQUESTS_LOGGED)
    closing = status(
        repeat.subject,
        RequestStatus.CLOSED,
        RequestStatus.ROUTED,
        cause=Cause.DUPLICATE,
        duplicate_of=kept.subject,
    )
    await service.deliver(closing, REQUESTS_STATUS)
    await service.dispatch()
    told = {m["to"] for m in gateway.accepted if "same problem" in m["text"]}
    assert told == {PHONE, OTHER_PHONE}

    acknowledged = status(kept.subject, RequestStatus.ACKNOWLEDGED, RequestStatus.ROUTED)
    await service.deliver(acknowledged, REQUESTS_STATUS)
    await service.dispatch()
    news = [m["to"] for m in gateway.accepted if "has received your request" in m["text"]]
    assert sorted(news) == sorted([PHONE, OTHER_PHONE])  # each once
