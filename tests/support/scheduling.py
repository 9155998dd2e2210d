"""Scheduling in-process (real store; real or in-memory bus) behind an httpx client."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, nullcontext
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI
from faststream.kafka import TestKafkaBroker

from services.scheduling.app import CONSUMED, create_app
from services.scheduling.settings import SchedulingSettings
from tests.support.fakes import FakePublisher
from tests.support.kafka import fresh_group


@dataclass
class Scheduling:
    app: FastAPI
    client: httpx.AsyncClient

    async def plan(self, month: str, force: bool = False) -> httpx.Response:
        return await self.client.post("/v1/plans", json={"month": month, "force": force})


@asynccontextmanager
async def running_scheduling(
    database_url: str,
    kafka_bootstrap: str | None = None,
    publisher: FakePublisher | None = None,
    **settings: Any,
) -> AsyncIterator[Scheduling]:
    group = await fresh_group(kafka_bootstrap, *CONSUMED) if kafka_bootstrap else ""
    config = SchedulingSettings(
        database_url=database_url,
        kafka_bootstrap=kafka_bootstrap or "127.0.0.1:9",
        outbox_sweep_seconds=0.2,
        consumer_group=group,
        **settings,
    )
    overrides: dict[str, Any] = {"clock": lambda: dt.datetime(2026, 11, 26, 8, 0, tzinfo=dt.UTC)}
    if publisher is not None:
        overrides.update(connect_publisher=publisher.connect, create_topics=False)
    app = create_app(config, **overrides)
    async with (
        TestKafkaBroker(app.state.broker) if publisher is not None else nullcontext(),
        app.router.lifespan_context(app),
    ):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://scheduling") as client:
            yield Scheduling(app, client)
