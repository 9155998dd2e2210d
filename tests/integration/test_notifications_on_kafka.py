"""Notifications on the real broker, on SQLite and on PostgreSQL, with a real local SMS
gateway and SMTP server."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable

import pytest

from shared.events import CONTENT_TYPE, CloudEvent
from shared.topics import DEADLETTER, NOTIFICATIONS, REQUESTS_LOGGED, REQUESTS_ROUTED
from tests.support.gateways import sms_gateway, smtp_server
from tests.support.kafka import TopicTail, publish_raw
from tests.support.notifications import Clock, running_notifications
from tests.unit.test_notifications_service import logged, routed

pytestmark = pytest.mark.integration
HEADERS = {"content-type": CONTENT_TYPE}


async def put(bootstrap: str, topic: str, *events: CloudEvent) -> None:
    await publish_raw(bootstrap, topic, [(e.key, e.to_bytes()) for e in events], HEADERS)


async def eventually(check: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.1)


async def test_one_sms_with_the_reference_even_when_the_event_comes_twice(
    database_url: str, kafka_bootstrap: str
) -> None:
    event = logged(language="en")
    async with (
        sms_gateway() as gateway,
        running_notifications(database_url, kafka_bootstrap, sms_url=gateway.url),
    ):
        await put(kafka_bootstrap, REQUESTS_LOGGED, event, event)
        await eventually(lambda: len(gateway.accepted) >= 1)
        await asyncio.sleep(2)  # a second SMS would have arrived by now
    assert len(gateway.accepted) == 1
    reference = event.subject
    assert f"{reference[:3]} {reference[3:6]} {reference[6:]}" in gateway.accepted[0]["text"]


async def test_a_gateway_failing_twice_gives_exactly_one_message(
    database_url: str, kafka_bootstrap: str
) -> None:
    clock = Clock()
    event = logged()
    async with (
        sms_gateway(fail_first=2) as gateway,
        running_notifications(database_url, kafka_bootstrap, clock=clock, sms_url=gateway.url),
    ):
        await put(kafka_bootstrap, REQUESTS_LOGGED, event)
        for _ in range(300):
            if gateway.accepted:
                break
            clock.now += dt.timedelta(seconds=30)  # time passes for the backoff
            await asyncio.sleep(0.1)
        await asyncio.sleep(1)
    assert len(gateway.accepted) == 1 and gateway.calls == 3
    assert len(set(gateway.keys)) == 1


async def test_a_gateway_always_failing_ends_in_notification_failed_and_dead_letter(
    database_url: str, kafka_bootstrap: str
) -> None:
    clock = Clock()
    event = logged()
    async with (
        TopicTail(kafka_bootstrap, NOTIFICATIONS) as notifications,
        TopicTail(kafka_bootstrap, DEADLETTER) as deadletters,
        sms_gateway(always_fail=True) as gateway,
        running_notifications(
            database_url, kafka_bootstrap, clock=clock, sms_url=gateway.url, max_attempts=3
        ),
    ):
        await put(kafka_bootstrap, REQUESTS_LOGGED, event)
        for _ in range(300):
            if gateway.calls >= 3:
                break
            clock.now += dt.timedelta(seconds=30)
            await asyncio.sleep(0.1)
        keyed = lambda r: r.key == event.key  # noqa: E731
        failed = await notifications.collect(keyed, expected=1, timeout=20)
        dead = await deadletters.collect(keyed, expected=1, timeout=20)
    assert gateway.calls == 3
    assert b"notification.failed" in failed[0].value
    assert dict(dead[0].headers)["x-deadletter-consumer"] == b"notifications"
    assert b"825550199" not in failed[0].value + dead[0].value


async def test_stop_stops_later_messages(database_url: str, kafka_bootstrap: str) -> None:
    event = logged()
    async with (
        sms_gateway() as gateway,
        running_notifications(database_url, kafka_bootstrap, sms_url=gateway.url) as service,
    ):
        await put(kafka_bootstrap, REQUESTS_LOGGED, event)
        await eventually(lambda: len(gateway.accepted) == 1)
        response = await service.client.post(
            "/v1/sms/inbound", json={"from": "+27825550199", "text": "STOP"}
        )
        assert response.json()["action"] == "stopped"
        await put(kafka_bootstrap, REQUESTS_ROUTED, routed(event.subject))
        for _ in range(100):
            if any(r["status"] == "suppressed" for r in await service.sent_for(event.subject)):
                break
            await asyncio.sleep(0.1)
        statuses = [r["status"] for r in await service.sent_for(event.subject)]
    assert len(gateway.accepted) == 1
    assert statuses == ["sent", "suppressed"]


async def test_an_sms_due_at_21_00_waits_until_07_00(
    database_url: str, kafka_bootstrap: str
) -> None:
    clock = Clock(dt.datetime(2026, 12, 8, 19, 0, tzinfo=dt.UTC))  # 21:00 in Cape Town
    event = logged()
    async with (
        sms_gateway() as gateway,
        running_notifications(
            database_url, kafka_bootstrap, clock=clock, sms_url=gateway.url
        ) as service,
    ):
        await put(kafka_bootstrap, REQUESTS_LOGGED, event)
        for _ in range(100):
            if await service.sent_for(event.subject):
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(1)
        assert gateway.accepted == []  # held overnight
        clock.now = dt.datetime(2026, 12, 9, 5, 0, tzinfo=dt.UTC)  # 07:00
        await eventually(lambda: len(gateway.accepted) == 1)


async def test_an_email_arrives_with_subject_and_body_in_the_chosen_language(
    database_url: str, kafka_bootstrap: str
) -> None:
    event = logged(updates_by="email", language="xh")
    async with (
        smtp_server() as smtp,
        running_notifications(
            database_url, kafka_bootstrap, smtp_host="127.0.0.1", smtp_port=smtp.port
        ),
    ):
        await put(kafka_bootstrap, REQUESTS_LOGGED, event)
        await eventually(lambda: len(smtp.messages) == 1)
    [message] = smtp.messages
    assert message["Subject"].startswith("Isicelo sakho se-Ofisi eHambayo")
    assert "isicelo sakho sibhalisiwe" in message.get_payload()
