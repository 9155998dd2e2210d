"""Routing keeps an application's answers for the department that decides it: never on a
department's topic or any other event, and cleared with the request's other words."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from services.routing import store
from services.routing.privacy.store import RESIDENT_DETAILS
from shared.events import CONTENT_TYPE
from shared.retention import deidentify
from shared.topics import REQUESTS_LOGGED, department_topic
from tests.support.fakes import FakePublisher
from tests.support.routing import Routing, logged_event, running_routing

ID_NUMBER = "5001015009087"
ANSWERS = {"household_income": 3200, "id_number": ID_NUMBER, "employment": "pensioner"}


@pytest.fixture
def publisher() -> FakePublisher:
    return FakePublisher()


@pytest.fixture
async def routing(tmp_path: Path, publisher: FakePublisher) -> AsyncIterator[Routing]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'r.db'}"
    async with running_routing(url, publisher=publisher) as running:
        yield running


async def test_the_answers_reach_routing_and_no_event_it_publishes(
    routing: Routing, publisher: FakePublisher
) -> None:
    event = logged_event(category="accounts", service="indigent-support", answers=ANSWERS)
    await routing.app.state.broker.publish(
        event.to_bytes(), REQUESTS_LOGGED, key=event.key, headers={"content-type": CONTENT_TYPE}
    )
    await routing.drain_outbox()
    sent = publisher.sent
    assert department_topic("revenue") in {m.topic for m in sent}
    for message in sent:
        assert ID_NUMBER.encode() not in message.value, message.topic
        assert b"household_income" not in message.value, message.topic
    rows = store.requests.c
    async with routing.app.state.db.transaction() as conn:
        kept = (await conn.execute(select(rows.service, rows.answers))).one()
        assert (kept.service, kept.answers) == ("indigent-support", ANSWERS)
        assert await deidentify(conn, RESIDENT_DETAILS, [event.subject]) == 1
        assert (await conn.execute(select(rows.answers))).scalar_one() is None
