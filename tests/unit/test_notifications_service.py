"""Notifications on a real SQLite store, FastStream's in-memory broker, a real local SMS
gateway and SMTP server, and a clock the tests set."""

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from shared.contracts.notifications import NotificationFailed
from shared.contracts.routing import RequestRouted, RoutingOutcome, StatusChanged
from shared.contracts.visits import VisitScheduled
from shared.events import new_event, parse_event
from shared.topics import (
    DEADLETTER,
    NOTIFICATIONS,
    REQUESTS_LOGGED,
    REQUESTS_ROUTED,
    REQUESTS_STATUS,
    VISITS,
    source,
)
from tests.support.fakes import FakePublisher
from tests.support.gateways import SmsGatewayServer, sms_gateway, smtp_server
from tests.support.notifications import Notifications, running_notifications
from tests.support.routing import logged_event

PHONE = "+27825550199"


@pytest.fixture
async def gateway() -> AsyncIterator[SmsGatewayServer]:
    async with sms_gateway() as server:
        yield server


@pytest.fixture
def publisher() -> FakePublisher:
    return FakePublisher()


@pytest.fixture
async def service(
    tmp_path: Path, gateway: SmsGatewayServer, publisher: FakePublisher
) -> AsyncIterator[Notifications]:
    async with running_notifications(
        f"sqlite+aiosqlite:///{tmp_path / 'n.db'}",
        publisher=publisher,
        sms_url=gateway.url,
        max_attempts=3,
    ) as running:
        yield running


def logged(updates_by: str = "sms", language: str = "xh", **kwargs):
    event = logged_event(**kwargs)
    data = dict(event.data)
    data["resident"] = {**data["resident"], "updates_by": updates_by, "language": language}
    return event.model_copy(update={"data": data})


def routed(reference: str, department: str = "water-and-sanitation"):
    data = RequestRouted(
        reference=reference,
        category="water",
        area="east",
        community="Khayelitsha",
        outcome=RoutingOutcome.ROUTED,
        status="routed",
        department=department,
        decided_at=dt.datetime.now(dt.UTC),
    )
    return new_event(data, source("routing"), reference, data.decided_at)


def status(reference: str, new: str, previous: str = "routed"):
    data = StatusChanged(
        reference=reference,
        status=new,
        previous_status=previous,
        department="water-and-sanitation",
        changed_at=dt.datetime.now(dt.UTC),
    )
    return new_event(data, source("routing"), reference, data.changed_at)


async def test_a_logged_request_gives_one_sms_with_the_reference(
    service: Notifications, gateway: SmsGatewayServer
) -> None:
    event = logged()
    await service.deliver(event, REQUESTS_LOGGED)
    await service.deliver(event, REQUESTS_LOGGED)  # redelivered
    await service.dispatch()
    assert len(gateway.accepted) == 1
    sms = gateway.accepted[0]
    reference = event.subject
    assert sms["to"] == PHONE and sms["reference"] == reference
    assert f"{reference[:3]} {reference[3:6]} {reference[6:]}" in sms["text"]
    assert sms["text"].startswith("I-Ofisi eHambayo")  # isiXhosa, as the resident chose


async def test_a_gateway_that_fails_twice_then_succeeds_sends_exactly_once(
    service: Notifications, gateway: SmsGatewayServer
) -> None:
    gateway.fail_first = 2
    event = logged()
    await service.deliver(event, REQUESTS_LOGGED)
    for _ in range(3):
        await service.dispatch()
        service.clock.now += dt.timedelta(minutes=15)
    await service.dispatch()
    assert len(gateway.accepted) == 1
    assert gateway.calls == 3
    assert len(set(gateway.keys)) == 1  # every try carried the same idempotency key
    [record] = await service.sent_for(event.subject)
    assert (record["status"], record["attempts"]) == ("sent", 3)


async def test_a_gateway_that_always_fails_ends_in_failed_and_dead_letter(
    service: Notifications, gateway: SmsGatewayServer, publisher: FakePublisher
) -> None:
    gateway.always_fail = True
    event = logged()
    await service.deliver(event, REQUESTS_LOGGED)
    for _ in range(5):
        await service.dispatch()
        service.clock.now += dt.timedelta(minutes=15)
    assert gateway.calls == 3  # max_attempts
    [record] = await service.sent_for(event.subject)
    assert record["status"] == "failed" and "503" in record["last_error"]
    await service.app.state.relay.drain()
    failed = [m for m in publisher.sent if m.topic == NOTIFICATIONS]
    assert parse_event(failed[0].value).data_as(NotificationFailed).attempts == 3
    dead = [m for m in publisher.sent if m.topic == DEADLETTER]
    assert len(dead) == 1 and dead[0].headers["x-deadletter-consumer"] == b"notifications"
    assert not any(PHONE.encode() in m.value for m in publisher.sent)
    metrics = (await service.client.get("/metrics")).text
    assert 'mo_notifications_failed_total{channel="sms",reason="exhausted"} 1.0' in metrics


async def test_stop_ends_messages_until_start(
    service: Notifications, gateway: SmsGatewayServer
) -> None:
    event = logged()
    await service.deliver(event, REQUESTS_LOGGED)
    await service.dispatch()
    stop = await service.client.post("/v1/sms/inbound", json={"from": PHONE, "text": " stop "})
    assert stop.json() == {"action": "stopped"}
    await service.deliver(routed(event.subject), REQUESTS_ROUTED)
    await service.dispatch()
    assert len(gateway.accepted) == 1
    start = await service.client.post(
        "/v1/sms/inbound", json={"from": "0825550199", "text": "Start"}
    )
    assert start.json() == {"action": "started"}
    await service.deliver(status(event.subject, "acknowledged"), REQUESTS_STATUS)
    await service.dispatch()
    assert len(gateway.accepted) == 2
    assert [r["status"] for r in await service.sent_for(event.subject)] == [
        "sent",
        "suppressed",
        "sent",
    ]


async def test_an_sms_due_at_21_00_waits_until_07_00(
    service: Notifications, gateway: SmsGatewayServer
) -> None:
    service.clock.now = dt.datetime(2026, 12, 8, 19, 0, tzinfo=dt.UTC)  # 21:00 in Cape Town
    event = logged()
    await service.deliver(event, REQUESTS_LOGGED)
    await service.dispatch()
    service.clock.now = dt.datetime(2026, 12, 9, 4, 59, tzinfo=dt.UTC)  # 06:59
    await service.dispatch()
    assert gateway.accepted == []
    service.clock.now = dt.datetime(2026, 12, 9, 5, 0, tzinfo=dt.UTC)  # 07:00
    await service.dispatch()
    assert len(gateway.accepted) == 1


async def test_updates_by_none_means_nothing_is_ever_sent(
    service: Notifications, gateway: SmsGatewayServer
) -> None:
    event = logged(updates_by="none")
    await service.deliver(event, REQUESTS_LOGGED)
    await service.deliver(routed(event.subject), REQUESTS_ROUTED)
    await service.deliver(status(event.subject, "resolved"), REQUESTS_STATUS)
    await service.dispatch()
    assert gateway.calls == 0
    assert await service.sent_for(event.subject) == []
    async with service.app.state.db.reading() as conn:
        from services.notifications.store import contacts

        [row] = (await conn.execute(contacts.select())).all()
    assert row.phone is None and row.email is None  # nothing kept that is not needed


async def test_an_update_that_arrives_before_the_logged_event_waits_for_it(
    service: Notifications, gateway: SmsGatewayServer
) -> None:
    event = logged(language="af")
    await service.deliver(routed(event.subject), REQUESTS_ROUTED)
    await service.dispatch()
    assert gateway.calls == 0
    await service.deliver(event, REQUESTS_LOGGED)
    await service.dispatch()
    texts = sorted(m["text"] for m in gateway.accepted)
    assert len(texts) == 2
    assert any("Water & Sanitation gestuur" in t for t in texts)


async def test_an_email_arrives_in_the_chosen_language(tmp_path: Path) -> None:
    async with (
        smtp_server() as smtp,
        running_notifications(
            f"sqlite+aiosqlite:///{tmp_path / 'n.db'}",
            publisher=FakePublisher(),
            smtp_host="127.0.0.1",
            smtp_port=smtp.port,
        ) as service,
    ):
        event = logged(updates_by="email", language="af")
        await service.deliver(event, REQUESTS_LOGGED)
        await service.dispatch()
    [message] = smtp.messages
    reference = event.subject
    spaced = f"{reference[:3]} {reference[3:6]} {reference[6:]}"
    assert message["To"] == "nomsa@example.org"
    assert message["Subject"] == f"U Mobiele Kantoor-versoek {spaced}"
    assert "u versoek is aangeteken" in message.get_payload()


async def test_visit_subscribers_hear_of_a_visit(
    service: Notifications, gateway: SmsGatewayServer
) -> None:
    response = await service.client.post(
        "/v1/subscriptions",
        json={"community": "Khayelitsha", "phone": "0825550199", "language": "en"},
    )
    assert response.status_code == 201
    day = dt.date(2026, 12, 8)
    start = dt.datetime(2026, 12, 8, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    data = VisitScheduled(
        visit_id="v-2026-12-08-khayelitsha",
        area="east",
        community="khayelitsha",
        venue="Khayelitsha Library",
        date=day,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=4),
        team="team-1",
    )
    await service.deliver(
        new_event(data, source("scheduling"), data.visit_id, start),
        VISITS,
    )
    await service.dispatch()
    [sms] = gateway.accepted
    assert sms["text"] == (
        "Mobile Office visits khayelitsha on Tue 8 Dec, 09:30-13:30 at Khayelitsha Library. "
        "Bring your municipal account or ID."
    )


async def test_a_crash_after_the_gateway_accepted_retries_with_the_same_key(
    service: Notifications, gateway: SmsGatewayServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    event = logged()
    await service.deliver(event, REQUESTS_LOGGED)
    dispatcher = service.app.state.dispatcher

    async def crash(results) -> None:
        raise RuntimeError("process died before recording")

    monkeypatch.setattr(dispatcher, "_record", crash)
    with pytest.raises(RuntimeError):
        await service.dispatch()
    monkeypatch.undo()
    await service.dispatch()
    assert gateway.calls == 1  # leased: not retried at once
    service.clock.now += dt.timedelta(seconds=61)
    await service.dispatch()
    assert gateway.calls == 2
    assert gateway.keys[0] == gateway.keys[1]  # the gateway can drop the repeat


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"community": "Delft"}, "body"),
        ({"community": "Delft", "phone": "0825550199", "email": "a@b.org"}, "body"),
        ({"community": "", "phone": "0825550199"}, "community"),
        ({"community": "Delft", "phone": "12"}, "phone"),
        ({"community": "Delft", "email": "nope"}, "email"),
        ({"community": "Delft", "phone": "0825550199", "language": "fr"}, "language"),
    ],
)
async def test_bad_subscriptions_name_the_field(
    service: Notifications, body: dict, field: str
) -> None:
    response = await service.client.post("/v1/subscriptions", json=body)
    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]


async def test_operators_see_masked_addresses(service: Notifications) -> None:
    event = logged()
    await service.deliver(event, REQUESTS_LOGGED)
    [record] = await service.sent_for(event.subject)
    assert record["to"] == "+27*****0199"
    bad = await service.client.get("/v1/notifications?reference=123")
    assert bad.status_code == 422
