"""Notifications in-process (real store; real or in-memory bus) with a clock tests can set."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, nullcontext
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI
from faststream.kafka import TestKafkaBroker

from services.notifications.app import create_app
from services.notifications.settings import NotificationsSettings
from shared.events import CONTENT_TYPE, CloudEvent
from shared.topics import REQUESTS_LOGGED, REQUESTS_ROUTED, REQUESTS_STATUS, VISITS
from tests.support.fakes import FakePublisher
from tests.support.kafka import fresh_group

NOON = dt.datetime(2026, 12, 8, 10, 0, tzinfo=dt.UTC)  # 12:00 in Cape Town


class Clock:
    def __init__(self, now: dt.datetime = NOON) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@dataclass
class Notifications:
    app: FastAPI
    client: httpx.AsyncClient
    clock: Clock

    async def deliver(self, event: CloudEvent, topic: str) -> None:
        """Through the in-memory broker (unit tests)."""
        await self.app.state.broker.publish(
            event.to_bytes(), topic, key=event.key, headers={"content-type": CONTENT_TYPE}
        )

    async def dispatch(self) -> int:
        return int(await self.app.state.dispatcher.dispatch_due())

    async def sent_for(self, subject: str) -> list[dict[str, Any]]:
        response = await self.client.get(f"/v1/notifications?reference={subject}")
        return list(response.json())


@asynccontextmanager
async def running_notifications(
    database_url: str,
    kafka_bootstrap: str | None = None,
    publisher: FakePublisher | None = None,
    clock: Clock | None = None,
    **settings: Any,
) -> AsyncIterator[Notifications]:
    clock = clock or Clock()
    group = None
    if kafka_bootstrap is not None:
        group = await fresh_group(
            kafka_bootstrap, REQUESTS_LOGGED, REQUESTS_ROUTED, REQUESTS_STATUS, VISITS
        )
    config = NotificationsSettings(
        database_url=database_url,
        kafka_bootstrap=kafka_bootstrap or "127.0.0.1:9",
        outbox_sweep_seconds=0.2,
        consumer_group=group or "",
        **settings,
    )
    overrides: dict[str, Any] = {"clock": clock}
    if publisher is not None:
        overrides.update(connect_publisher=publisher.connect, create_topics=False)
    app = create_app(config, **overrides)
    async with (
        TestKafkaBroker(app.state.broker) if publisher is not None else nullcontext(),
        app.router.lifespan_context(app),
    ):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://notifications"
        ) as client:
            yield Notifications(app, client, clock)
