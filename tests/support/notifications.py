"""Notifications in-process (real store; real or in-memory bus) with a clock tests can set."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
from fastapi import FastAPI

from services.notifications import store
from services.notifications.app import create_app
from services.notifications.inbound.domain import signature
from services.notifications.settings import NotificationsSettings
from shared.contracts.routing import RequestRouted, RoutingOutcome, StatusChanged
from shared.credentials import Role
from shared.events import CONTENT_TYPE, CloudEvent, new_event
from shared.topics import source
from tests.support.buses import Bus
from tests.support.clock import Clock
from tests.support.fakes import FakePublisher
from tests.support.harness import running_app
from tests.support.routing import logged_event
from tests.support.tokens import issue

INBOUND_SECRET = "the gateway's secret, for tests"
USSD_SECRET = "the USSD gateway's secret, for tests"


@dataclass
class Notifications:
    app: FastAPI
    client: httpx.AsyncClient
    clock: Clock
    operator_token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.operator_token}"}

    async def reply(self, sender: str, text: str, **fields: Any) -> httpx.Response:
        """A resident's SMS reply, as the gateway posts it: signed, stamped now."""
        body, headers = signed_reply(sender, text, self.clock(), **fields)
        return await self.client.post("/v1/sms/inbound", content=body, headers=headers)

    async def ussd(self, session: str, phone: str, text: str, **fields: Any) -> httpx.Response:
        """A USSD gateway's request for the session's inputs so far: signed, stamped now."""
        form = {
            "sessionId": session,
            "serviceCode": "*120*3210#",
            "phoneNumber": phone,
            "text": text,
            "timestamp": str(int(self.clock().timestamp())),
            **fields,
        }
        raw = urlencode(form).encode()
        headers = {
            "X-MO-Signature": signature(USSD_SECRET, raw),
            "Content-Type": "application/x-www-form-urlencoded",
        }
        return await self.client.post("/v1/ussd", content=raw, headers=headers)

    async def deliver(self, event: CloudEvent, topic: str) -> None:
        """Through the in-memory broker (unit tests)."""
        await self.app.state.broker.publish(
            event.to_bytes(), topic, key=event.key, headers={"content-type": CONTENT_TYPE}
        )

    async def dispatch(self) -> int:
        return int(await self.app.state.dispatcher.dispatch_due())

    async def sent_for(self, subject: str) -> list[dict[str, Any]]:
        response = await self.client.get(
            f"/v1/notifications?reference={subject}&reason=resident+asked+at+the+table",
            headers=self.auth,
        )
        return list(response.json())


def signed_reply(
    sender: str, text: str, when: dt.datetime, **fields: Any
) -> tuple[bytes, dict[str, str]]:
    """The body and headers of the gateway's POST /v1/sms/inbound for a reply it received
    `when` (`fields` may replace the timestamp)."""
    body = json.dumps({"from": sender, "text": text, "timestamp": when.isoformat(), **fields})
    raw = body.encode()
    return raw, {
        "X-MO-Signature": signature(INBOUND_SECRET, raw),
        "Content-Type": "application/json",
    }


@asynccontextmanager
async def running_notifications(
    database_url: str,
    kafka_bootstrap: str | None = None,
    publisher: FakePublisher | None = None,
    clock: Clock | None = None,
    bus: Bus | None = None,
    **settings: Any,
) -> AsyncIterator[Notifications]:
    clock = clock or Clock()
    # Where messages go for a channel the test gives no gateway or mail server.
    with tempfile.TemporaryDirectory(prefix="mo-outbox-") as outbox:
        settings = {
            "inbound_secret": INBOUND_SECRET,
            "ussd_secret": USSD_SECRET,
            "outbox_dir": outbox,
            **settings,
        }
        async with running_app(
            create_app,
            NotificationsSettings,
            database_url=database_url,
            bus=bus,
            kafka_bootstrap=kafka_bootstrap,
            publisher=publisher,
            settings=settings,
            overrides={"clock": clock},
        ) as (app, client):
            token = await issue(app.state.db, store.credentials, "operators", Role.OPERATOR)
            yield Notifications(app, client, clock, token)


PHONE = "+27825550199"
"""The resident's mobile in the events below."""


def logged(updates_by: str = "sms", language: str = "xh", **kwargs):
    event = logged_event(**kwargs)
    data = dict(event.data)
    data["resident"] = {**data["resident"], "updates_by": updates_by, "language": language}
    return event.model_copy(update={"data": data})


def routed(reference: str, department: str = "water-and-sanitation", outcome: str = "routed"):
    referred = outcome == RoutingOutcome.REFERRED
    data = RequestRouted(
        reference=reference,
        category="water",
        area="east",
        community="Khayelitsha",
        outcome=RoutingOutcome(outcome),
        status="referred" if referred else "routed",
        department=None if referred else department,
        note="Call Eskom on 0860 037 566." if referred else None,
        decided_at=dt.datetime.now(dt.UTC),
    )
    return new_event(data, source("routing"), reference, data.decided_at)


def status(reference: str, new: str, previous: str = "routed"):
    data = StatusChanged(
        reference=reference,
        status=new,
        previous_status=previous,
        department="water-and-sanitation",
        changed_at=dt.datetime.now(dt.UTC),
    )
    return new_event(data, source("routing"), reference, data.changed_at)
