"""Routing in-process (real store, real or in-memory bus) behind an httpx client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi import FastAPI
from faststream.kafka import TestKafkaBroker

from services.routing.app import create_app
from services.routing.departments import add_token
from services.routing.settings import RoutingSettings
from shared.contracts.requests import Location, RequestLogged, ResidentContact
from shared.events import CloudEvent, new_event
from shared.reference import new_reference
from shared.topics import REQUESTS_LOGGED, EventType, source
from tests.support.fakes import FakePublisher
from tests.support.kafka import fresh_group


def logged_event(
    category: str = "water",
    community: str = "Khayelitsha",
    area: str = "east",
    description: str = "Leaking tap at the communal standpipe",
    reference: str | None = None,
) -> CloudEvent:
    reference = reference or new_reference()
    now = datetime.now(UTC)
    data = RequestLogged(
        reference=reference,
        category=category,
        description=description,
        location=Location(area=area, community=community, address="12 Mew Way"),  # type: ignore[arg-type]
        resident=ResidentContact(
            name="Nomsa Dlamini",
            phone="+27825550199",
            email="nomsa@example.org",
            language="xh",
            updates_by="sms",  # type: ignore[arg-type]
        ),
        account_number="123456789",
        agent="agent-x",
        logged_at=now,
    )
    return new_event(EventType.REQUEST_LOGGED, source("intake"), reference, data, now)


@dataclass
class Routing:
    app: FastAPI
    client: httpx.AsyncClient
    tokens: dict[str, str] = field(default_factory=dict)

    async def token(self, team: str) -> str:
        if team not in self.tokens:
            self.tokens[team] = await add_token(self.app.state.db, team)
        return self.tokens[team]

    async def auth(self, team: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {await self.token(team)}"}

    async def report(
        self, reference: str, team: str, status: str, note: str | None = None
    ) -> httpx.Response:
        body: dict[str, Any] = {"status": status, "note": note}
        return await self.client.post(
            f"/v1/requests/{reference}/status", json=body, headers=await self.auth(team)
        )

    async def drain_outbox(self) -> int:
        return int(await self.app.state.relay.drain())


@asynccontextmanager
async def running_routing(
    database_url: str,
    kafka_bootstrap: str | None = None,
    publisher: FakePublisher | None = None,
    consumer_group: str | None = None,
    **overrides: Any,
) -> AsyncIterator[Routing]:
    if kafka_bootstrap is not None and consumer_group is None:
        consumer_group = await fresh_group(kafka_bootstrap, REQUESTS_LOGGED)
    settings = RoutingSettings(
        database_url=database_url,
        kafka_bootstrap=kafka_bootstrap or "127.0.0.1:9",
        outbox_sweep_seconds=0.2,
        consumer_group=consumer_group or "",
    )
    in_memory = publisher is not None
    if publisher is not None:
        overrides.update(connect_publisher=publisher.connect, create_topics=False)
    app = create_app(settings, **overrides)
    async with (
        TestKafkaBroker(app.state.broker) if in_memory else nullcontext(),
        app.router.lifespan_context(app),
    ):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://routing") as client:
            yield Routing(app, client)
