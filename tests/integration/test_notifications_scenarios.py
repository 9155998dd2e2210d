"""Notifications' scenarios, each written once and run on FastStream's in-memory broker and on
the real one, on SQLite and on PostgreSQL, with a real local SMS gateway and SMTP server and a
clock the test sets. The dispatcher runs on its own, as in production: the tests wait for what
it does rather than calling it."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable

import pytest

from shared.contracts.notifications import NotificationFailed
from shared.events import parse_event
from shared.topics import (
    DEADLETTER,
    NOTIFICATIONS,
    REQUESTS_LOGGED,
    REQUESTS_ROUTED,
    REQUESTS_STATUS,
)
from tests.support.buses import Bus
from tests.support.clock import Clock
from tests.support.gateways import sms_gateway, smtp_server
from tests.support.notifications import (
    PHONE,
    Notifications,
    logged,
    routed,
    running_notifications,
    status,
)
from tests.support.waiting import eventually_async

pytestmark = pytest.mark.integration


def spaced(reference: str) -> str:
    return f"{reference[:3]} {reference[3:6]} {reference[6:]}"


async def let_time_pass(
    service: Notifications, until: Callable[[], bool], step_minutes: int = 15
) -> None:
    """Move the clock on (for the retries' backoff) until `until()` holds."""
    for _ in range(200):
        if until():
            return
        service.clock.now += dt.timedelta(minutes=step_minutes)
        await asyncio.sleep(0.1)
    raise AssertionError("timed out")


async def test_one_sms_with_the_reference_even_when_the_event_comes_twice(
    database_url: str, bus: Bus
) -> None:
    event = logged()
    async with (
        sms_gateway() as gateway,
        running_notifications(database_url, bus=bus, sms_url=gateway.url) as service,
    ):
        await bus.put(service.app, REQUESTS_LOGGED, event, event)
        await eventually_async(lambda: len(gateway.accepted) >= 1)
        await asyncio.sleep(1.5)  # a second SMS would have arrived by now
    assert len(gateway.accepted) == 1
    sms = gateway.accepted[0]
    assert sms["to"] == PHONE and sms["reference"] == event.subject
    assert spaced(event.subject) in sms["text"]
    assert sms["text"].startswith("I-Ofisi eHambayo")  # isiXhosa, as the resident chose


async def test_a_gateway_failing_twice_gives_exactly_one_message(
    database_url: str, bus: Bus
) -> None:
    event = logged()
    async with (
        sms_gateway(fail_first=2) as gateway,
        # The clock leaps 15 minutes a step: a budget longer than the test's 50 hours, so
        # a slow machine cannot spend it between two tries (the budget has its own tests).
        running_notifications(
            database_url, bus=bus, sms_url=gateway.url, retry_budget_hours=72
        ) as service,
    ):
        await bus.put(service.app, REQUESTS_LOGGED, event)
        await let_time_pass(service, lambda: bool(gateway.accepted))
        await asyncio.sleep(1)
        [record] = await service.sent_for(event.subject)
    assert len(gateway.accepted) == 1 and gateway.calls == 3
    assert len(set(gateway.keys)) == 1  # every try carried the same idempotency key
    assert (record["status"], record["attempts"]) == ("sent", 3)


async def test_a_gateway_always_failing_ends_in_notification_failed_and_dead_letter(
    database_url: str, bus: Bus
) -> None:
    event = logged()
    mine = lambda m: m.key == event.key  # noqa: E731
    async with (
        bus.watching(NOTIFICATIONS, DEADLETTER) as published,
        sms_gateway(always_fail=True) as gateway,
        running_notifications(
            database_url, bus=bus, sms_url=gateway.url, max_attempts=3, retry_budget_hours=72
        ) as service,
    ):
        await bus.put(service.app, REQUESTS_LOGGED, event)
        await let_time_pass(service, lambda: gateway.calls >= 3)
        messages = await published.collect(mine, expected=2, settle=0.5)
        [record] = await service.sent_for(event.subject)
        metrics = (await service.client.get("/metrics")).text
    assert gateway.calls == 3  # max_attempts
    assert record["status"] == "failed" and "503" in record["last_error"]
    [failed] = [m for m in messages if m.topic == NOTIFICATIONS]
    assert parse_event(failed.value).data_as(NotificationFailed).attempts == 3
    [dead] = [m for m in messages if m.topic == DEADLETTER]
    assert dead.headers["x-deadletter-consumer"] == b"notifications"
    assert not any(b"825550199" in m.value for m in messages)
    assert 'mo_notifications_failed_total{channel="sms",reason="exhausted"} 1.0' in metrics


async def test_stop_ends_messages_until_start(database_url: str, bus: Bus) -> None:
    event = logged()
    async with (
        sms_gateway() as gateway,
        running_notifications(database_url, bus=bus, sms_url=gateway.url) as service,
    ):
        await bus.put(service.app, REQUESTS_LOGGED, event)
        await eventually_async(lambda: len(gateway.accepted) == 1)
        stop = await service.reply(PHONE, " stop ")
        assert stop.json() == {"action": "stopped"}
        await bus.put(service.app, REQUESTS_ROUTED, routed(event.subject))
        await _until_statuses(service, event.subject, ["sent", "suppressed"])
        start = await service.reply("0825550199", "Start")
        assert start.json() == {"action": "started"}
        await bus.put(service.app, REQUESTS_STATUS, status(event.subject, "acknowledged"))
        await eventually_async(lambda: len(gateway.accepted) == 2)
        await _until_statuses(service, event.subject, ["sent", "suppressed", "sent"])


async def test_an_sms_due_at_21_00_waits_until_07_00(database_url: str, bus: Bus) -> None:
    clock = Clock(dt.datetime(2026, 12, 8, 19, 0, tzinfo=dt.UTC))  # 21:00 in Cape Town
    event = logged()
    async with (
        sms_gateway() as gateway,
        running_notifications(database_url, bus=bus, clock=clock, sms_url=gateway.url) as service,
    ):
        await bus.put(service.app, REQUESTS_LOGGED, event)
        for _ in range(100):
            if await service.sent_for(event.subject):
                break
            await asyncio.sleep(0.1)
        clock.now = dt.datetime(2026, 12, 9, 4, 59, tzinfo=dt.UTC)  # 06:59
        await asyncio.sleep(1.5)
        assert gateway.accepted == []  # held overnight
        clock.now = dt.datetime(2026, 12, 9, 5, 0, tzinfo=dt.UTC)  # 07:00
        await eventually_async(lambda: len(gateway.accepted) == 1)


async def test_an_email_arrives_with_subject_and_body_in_the_chosen_language(
    database_url: str, bus: Bus
) -> None:
    event = logged(updates_by="email", language="af")
    async with (
        smtp_server() as smtp,
        running_notifications(
            database_url, bus=bus, smtp_host="127.0.0.1", smtp_port=smtp.port
        ) as service,
    ):
        await bus.put(service.app, REQUESTS_LOGGED, event)
        await eventually_async(lambda: len(smtp.messages) == 1)
    [message] = smtp.messages
    assert message["To"] == "nomsa@example.org"
    assert message["Subject"] == f"U Mobiele Kantoor-versoek {spaced(event.subject)}"
    assert "u versoek is aangeteken" in message.get_payload()


async def _until_statuses(service: Notifications, reference: str, expected: list[str]) -> None:
    statuses: list[str] = []
    for _ in range(200):
        statuses = [r["status"] for r in await service.sent_for(reference)]
        if statuses == expected:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"statuses {statuses}, expected {expected}")
