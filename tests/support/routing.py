"""Routing in-process (real store, real or in-memory bus) behind an httpx client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi import FastAPI

from services.routing import store
from services.routing.app import create_app
from services.routing.settings import RoutingSettings
from shared.contracts.requests import Location, RequestLogged, ResidentContact
from shared.credentials import Role
from shared.events import CloudEvent, new_event
from shared.reference import new_reference
from shared.topics import source
from tests.support.buses import Bus
from tests.support.fakes import FakePublisher
from tests.support.harness import running_app
from tests.support.tokens import issue


def logged_event(
    category: str = "water",
    community: str = "Khayelitsha",
    area: str = "east",
    description: str = "Leaking tap at the communal standpipe",
    reference: str | None = None,
    service: str | None = None,
    answers: dict[str, Any] | None = None,
    papers: dict[str, Any] | None = None,
    channel: str | None = None,
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
        service=service,
        answers=answers,
        papers=papers,
        channel=channel,  # type: ignore[arg-type]
    )
    return new_event(data, source("intake"), reference, now)


@dataclass
class Routing:
    app: FastAPI
    client: httpx.AsyncClient
    tokens: dict[str, str] = field(default_factory=dict)

    async def token(self, team: str) -> str:
        if team not in self.tokens:
            role = Role.OPERATOR if team == "operators" else Role.DEPARTMENT
            self.tokens[team] = await issue(self.app.state.db, store.credentials, team, role)
        return self.tokens[team]

    async def auth(self, team: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {await self.token(team)}"}

    async def report(
        self,
        reference: str,
        team: str,
        status: str,
        note: str | None = None,
        public: bool = False,
        closure: Mapping[str, str] | None = None,
        **fields: str,
    ) -> httpx.Response:
        """`closure` or `fields`: cause, reason, responsible, duplicate_of."""
        body: dict[str, Any] = {"status": status, "note": note, "public": public}
        body |= {**(closure or {}), **fields}
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
    bus: Bus | None = None,
    **overrides: Any,
) -> AsyncIterator[Routing]:
    async with running_app(
        create_app,
        RoutingSettings,
        database_url=database_url,
        bus=bus,
        kafka_bootstrap=kafka_bootstrap,
        publisher=publisher,
        consumer_group=consumer_group,
        overrides=overrides,
    ) as (app, client):
        yield Routing(app, client)
