"""Intake in-process (real store, real or fake bus) behind an httpx client."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI

from services.intake import store
from services.intake.app import create_app
from services.intake.settings import IntakeSettings
from shared.contracts.common import RequestStatus
from shared.contracts.routing import Cause, StatusChanged
from shared.credentials import Role
from shared.events import CONTENT_TYPE, new_event
from shared.topics import REQUESTS_STATUS, source
from tests.support.buses import Bus
from tests.support.fakes import FakePublisher
from tests.support.harness import running_app
from tests.support.tokens import issue

RESIDENT = {
    "name": "Nomsa Dlamini",
    "phone": "082 555 0199",
    "email": "nomsa.dlamini@example.org",
    "language": "xh",
    "updates_by": "sms",
    "privacy_notice_given": True,
}


def request_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "category": "water",
        "description": f"Burst pipe next to the clinic ({uuid.uuid4().hex[:8]})",
        "location": {"area": "east", "community": "Khayelitsha", "address": "12 Mew Way"},
        "resident": dict(RESIDENT),
        "account_number": "123456789",
    }
    body.update(overrides)
    return body


@dataclass
class Intake:
    app: FastAPI
    client: httpx.AsyncClient
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def post(self, body: dict[str, Any], **headers: str) -> httpx.Response:
        return await self.client.post("/v1/requests", json=body, headers={**self.auth, **headers})

    async def drain_outbox(self) -> int:
        return int(await self.app.state.relay.drain())


@asynccontextmanager
async def running_intake(
    database_url: str,
    kafka_bootstrap: str | None = None,
    publisher: FakePublisher | None = None,
    consumer_group: str | None = None,
    bus: Bus | None = None,
    settings: dict[str, Any] | None = None,
    **overrides: Any,
) -> AsyncIterator[Intake]:
    """Intake with its lifespan running: on the real broker, or on `publisher` if given."""
    async with running_app(
        create_app,
        IntakeSettings,
        database_url=database_url,
        bus=bus,
        kafka_bootstrap=kafka_bootstrap,
        publisher=publisher,
        consumer_group=consumer_group,
        settings=settings,
        overrides=overrides,
    ) as (app, client):
        name = f"agent-{uuid.uuid4().hex[:6]}"
        token = await issue(app.state.db, store.credentials, name, Role.FIELD_AGENT)
        yield Intake(app, client, token)


async def resolved(app: FastAPI, reference: str, at: dt.datetime) -> None:
    """Tells intake, as routing would, that a department resolved the request."""
    changed = StatusChanged(
        reference=reference,
        status=RequestStatus.RESOLVED,
        previous_status=RequestStatus.ROUTED,
        department="water-and-sanitation",
        cause=Cause.FIXED,
        changed_at=at,
    )
    event = new_event(changed, source("routing"), reference, at)
    await app.state.broker.publish(
        event.to_bytes(), REQUESTS_STATUS, key=event.key, headers={"content-type": CONTENT_TYPE}
    )
