"""Intake on the real broker, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from aiokafka import ConsumerRecord
from sqlalchemy import func, select

from deploy.bus_setup import set_up_bus
from deploy.kafka.broker import Broker
from services.intake import store
from shared.contracts.requests import RequestLogged
from shared.credentials import Role
from shared.events import CONTENT_TYPE, parse_event
from shared.store import Database
from shared.topics import REQUESTS_LOGGED, EventType
from tests.support.intake import request_body, running_intake
from tests.support.kafka import TopicTail
from tests.support.processes import ServiceProcess, free_port
from tests.support.tokens import issue

pytestmark = pytest.mark.integration


def keyed(reference: str):
    return lambda record: record.key == reference.encode()


def assert_logged_event(record: ConsumerRecord, reference: str) -> None:
    assert record.key == reference.encode()
    assert dict(record.headers)["content-type"] == CONTENT_TYPE.encode()
    event = parse_event(record.value)
    assert event.type == EventType.REQUEST_LOGGED
    assert event.subject == reference
    assert event.data_as(RequestLogged).reference == reference


@pytest.fixture(scope="module")
def throwaway_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Broker]:
    """A broker of this module's own, so stopping it disturbs no other test."""
    port = free_port()
    broker = Broker(tmp_path_factory.mktemp("kafka"), port=port, controller_port=free_port())
    broker.start()
    asyncio.run(set_up_bus(broker.bootstrap))
    yield broker
    broker.stop()


async def test_a_post_while_the_broker_is_down_is_delivered_once_it_is_back(
    database_url: str, throwaway_broker: Broker
) -> None:
    bootstrap = throwaway_broker.bootstrap
    await asyncio.to_thread(throwaway_broker.start)
    async with running_intake(database_url, bootstrap) as intake:
        before = (await intake.post(request_body())).json()["reference"]
        # From the beginning: this broker holds only this module's events, and the relay may
        # have published before a tail at the end could be positioned.
        async with TopicTail(bootstrap, REQUESTS_LOGGED, from_beginning=True) as tail:
            assert len(await tail.collect(keyed(before), expected=1, timeout=30)) == 1
        await asyncio.to_thread(throwaway_broker.stop)
        response = await intake.post(request_body())
        assert response.status_code == 201
        reference = response.json()["reference"]
        await asyncio.to_thread(throwaway_broker.start)
        async with TopicTail(bootstrap, REQUESTS_LOGGED, from_beginning=True) as tail:
            records = await tail.collect(keyed(reference), expected=1, timeout=60, settle=1)
    assert len(records) == 1
    assert_logged_event(records[0], reference)


async def test_a_process_killed_between_commit_and_publish_loses_nothing(
    database_url: str, kafka_bootstrap: str, tmp_path: Path
) -> None:
    db = Database(database_url)
    await db.create_schema(store.metadata)
    token = await issue(db, store.credentials, "field-agent", Role.FIELD_AGENT)
    log = tmp_path / "intake.log"
    # Nothing listens on port 9: the request commits, the event cannot leave.
    env = {"MO_INTAKE_DATABASE_URL": database_url, "MO_KAFKA_BOOTSTRAP": "127.0.0.1:9"}
    intake = ServiceProcess("intake", env, log)
    try:
        await asyncio.to_thread(intake.start)
        async with httpx.AsyncClient(base_url=intake.url) as client:
            response = await client.post(
                "/v1/requests",
                json=request_body(),
                headers={"Authorization": f"Bearer {token}"},
            )
        assert response.status_code == 201
        reference = response.json()["reference"]
        intake.kill()
        async with db.reading() as conn:
            pending = await conn.scalar(select(func.count()).select_from(store.outbox.table))
        assert pending == 1  # committed, not published

        async with TopicTail(kafka_bootstrap, REQUESTS_LOGGED) as tail:
            intake.env["MO_KAFKA_BOOTSTRAP"] = kafka_bootstrap
            await asyncio.to_thread(intake.start)
            records = await tail.collect(keyed(reference), expected=1, timeout=30, settle=1.5)
        assert len(records) == 1
        assert_logged_event(records[0], reference)
        async with db.reading() as conn:
            assert await conn.scalar(select(func.count()).select_from(store.outbox.table)) == 0
    finally:
        intake.stop()
        await db.dispose()
    for personal in ("Nomsa", "Dlamini", "825550199", "example.org"):
        assert personal not in log.read_text()
