"""Intake's publishing, written once and run on the in-memory bus and on the real broker, on
SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest

from shared.contracts.requests import RequestLogged
from shared.events import CONTENT_TYPE, parse_event
from shared.topics import REQUESTS_LOGGED, EventType
from tests.support.buses import Bus, Seen
from tests.support.intake import request_body, running_intake

pytestmark = pytest.mark.integration


def keyed(reference: str):
    return lambda message: message.key == reference.encode()


async def test_a_post_puts_exactly_one_cloudevent_keyed_by_reference_on_the_topic(
    database_url: str, bus: Bus
) -> None:
    async with (
        bus.watching(REQUESTS_LOGGED) as logged,
        running_intake(database_url, bus=bus) as intake,
    ):
        response = await intake.post(request_body())
        assert response.status_code == 201
        reference = response.json()["reference"]
        [message] = await logged.collect(keyed(reference), expected=1, settle=1.0)
    assert_logged_event(message, reference)
    data = parse_event(message.value).data_as(RequestLogged)
    assert data.resident is not None and data.resident.phone == "+27825550199"
    assert data.location.community == "Khayelitsha"


async def test_a_retry_with_the_same_idempotency_key_publishes_nothing_more(
    database_url: str, bus: Bus
) -> None:
    body = request_body()
    async with (
        bus.watching(REQUESTS_LOGGED) as logged,
        running_intake(database_url, bus=bus) as intake,
    ):
        first = await intake.post(body, **{"Idempotency-Key": "field-app-retry-1"})
        reference = first.json()["reference"]
        await logged.collect(keyed(reference), expected=1)
        again = await intake.post(body, **{"Idempotency-Key": "field-app-retry-1"})
        messages = await logged.collect(keyed(reference), expected=2, timeout=2.5)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert len(messages) == 1


def assert_logged_event(message: Seen, reference: str) -> None:
    assert message.key == reference.encode()
    assert message.headers["content-type"] == CONTENT_TYPE.encode()
    event = parse_event(message.value)
    assert event.type == EventType.REQUEST_LOGGED
    assert event.source == "/mobileoffice/intake"
    assert event.subject == reference
