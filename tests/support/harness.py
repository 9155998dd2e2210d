"""One way to run any service in-process for a test: a real store, on the real broker (with a
consumer group of the test's own at the topics' end) or on FastStream's in-memory broker with
`publisher` standing in for the outbox's Kafka connection; its lifespan running and an httpx
client on it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, nullcontext
from typing import Any

import httpx
from fastapi import FastAPI
from faststream.kafka import TestKafkaBroker

from shared.bus import consumed_topics
from shared.service import Wiring
from tests.support.buses import Bus
from tests.support.fakes import FakePublisher
from tests.support.kafka import start_at_end
from tests.support.processes import ATTACHMENT_KEYS, IDENTIFIER_KEY


@asynccontextmanager
async def running_app(
    create_app: Callable[..., FastAPI],
    settings_class: type[Any],
    *,
    database_url: str,
    bus: Bus | None = None,
    kafka_bootstrap: str | None = None,
    publisher: FakePublisher | None = None,
    consumer_group: str | None = None,
    settings: dict[str, Any] | None = None,
    overrides: dict[str, Any] | None = None,
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    if bus is not None:
        kafka_bootstrap, publisher = bus.bootstrap, bus.publisher if bus.kind == "memory" else None
    fresh = kafka_bootstrap is not None and consumer_group is None
    if fresh:
        consumer_group = f"test-{uuid.uuid4().hex[:10]}"
    if "identifier_key" in settings_class.model_fields:
        settings = {"identifier_key": IDENTIFIER_KEY, **(settings or {})}
    if "attachments_keys" in settings_class.model_fields:
        settings = {"attachments_keys": ATTACHMENT_KEYS, **(settings or {})}
    config = settings_class(
        database_url=database_url,
        kafka_bootstrap=kafka_bootstrap or "127.0.0.1:9",  # nothing listens: no broker
        outbox_sweep_seconds=0.2,
        consumer_group=consumer_group or "",
        **(settings or {}),
    )
    overrides = dict(overrides or {})
    if publisher is not None:
        overrides.update(wiring=Wiring(connect_publisher=publisher.connect, check_topics=False))
    app = create_app(config, **overrides)
    if fresh:
        assert kafka_bootstrap is not None and consumer_group is not None
        topics = consumed_topics(app.state.service.consumes)
        await start_at_end(kafka_bootstrap, consumer_group, topics)
    async with (
        TestKafkaBroker(app.state.broker, connect_only=False) if publisher else nullcontext(),
        app.router.lifespan_context(app),
    ):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
            yield app, client
