"""Every route of every service says who may call it, and the door holds: built from the
routes themselves, so a new route without a door, or without an example here, fails.

For each route: no credential is 401, a token of another role 403, the right one 2xx; a public
route answers anyone; and nothing is published on a refused call."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute

from services.notifications.inbound import signature
from shared.auth import access_of
from shared.credentials import Role
from shared.events import CONTENT_TYPE
from shared.reference import new_reference
from shared.topics import REQUESTS_LOGGED
from tests.support.fakes import FakePublisher
from tests.support.intake import request_body, running_intake
from tests.support.notifications import INBOUND_SECRET, running_notifications
from tests.support.routes import api_routes
from tests.support.routing import logged_event, running_routing
from tests.support.scheduling import running_scheduling
from tests.support.tokens import issue

PUBLIC = "public"
SIGNED = "sms-gateway (signed)"


@dataclass
class Example:
    """A call the right caller makes successfully."""

    path: str
    body: dict[str, Any] | None = None


@dataclass
class Running:
    app: FastAPI
    client: httpx.AsyncClient
    publisher: FakePublisher
    examples: dict[tuple[str, str], Example]


@asynccontextmanager
async def intake(tmp: Path) -> AsyncIterator[Running]:
    publisher = FakePublisher()
    async with running_intake(f"sqlite+aiosqlite:///{tmp / 'i.db'}", publisher=publisher) as i:
        logged = await i.post(request_body())
        reference = logged.json()["reference"]
        yield Running(
            i.app,
            i.client,
            publisher,
            {
                ("POST", "/v1/requests"): Example("/v1/requests", request_body()),
                ("GET", "/v1/requests/{reference}"): Example(f"/v1/requests/{reference}"),
                ("GET", "/v1/categories"): Example("/v1/categories"),
            },
        )


@asynccontextmanager
async def routing(tmp: Path) -> AsyncIterator[Running]:
    publisher = FakePublisher()
    async with running_routing(f"sqlite+aiosqlite:///{tmp / 'r.db'}", publisher=publisher) as r:
        to_assign, to_report = logged_event(), logged_event()
        for event in (to_assign, to_report):
            await r.app.state.broker.publish(
                event.to_bytes(),
                REQUESTS_LOGGED,
                key=event.key,
                headers={"content-type": CONTENT_TYPE},
            )
        rule = {"category": "parks", "area": "south", "department": "solid-waste"}
        yield Running(
            r.app,
            r.client,
            publisher,
            {
                ("GET", "/v1/departments"): Example("/v1/departments"),
                ("GET", "/v1/rules"): Example("/v1/rules"),
                ("POST", "/v1/rules"): Example("/v1/rules", {"rule": rule, "reason": "a test"}),
                ("POST", "/v1/rules/{rule_id}/retire"): Example(
                    "/v1/rules/1/retire", {"reason": "a test"}
                ),
                ("GET", "/v1/rules/history"): Example("/v1/rules/history"),
                ("GET", "/v1/requests"): Example("/v1/requests?status=routed"),
                ("POST", "/v1/requests/{reference}/assign"): Example(
                    f"/v1/requests/{to_assign.subject}/assign", {"department": "revenue"}
                ),
                ("POST", "/v1/requests/{reference}/status"): Example(
                    f"/v1/requests/{to_report.subject}/status", {"status": "acknowledged"}
                ),
            },
        )


@asynccontextmanager
async def notifications(tmp: Path) -> AsyncIterator[Running]:
    publisher = FakePublisher()
    async with running_notifications(
        f"sqlite+aiosqlite:///{tmp / 'n.db'}", publisher=publisher
    ) as n:
        yield Running(
            n.app,
            n.client,
            publisher,
            {
                ("POST", "/v1/subscriptions"): Example(
                    "/v1/subscriptions", {"community": "Delft", "phone": "0825550199"}
                ),
                ("POST", "/v1/sms/inbound"): Example(
                    "/v1/sms/inbound", {"from": "+27825550199", "text": "hello"}
                ),
                ("GET", "/v1/notifications"): Example(
                    f"/v1/notifications?reference={new_reference()}"
                ),
            },
        )


@asynccontextmanager
async def scheduling(tmp: Path) -> AsyncIterator[Running]:
    publisher = FakePublisher()
    async with running_scheduling(f"sqlite+aiosqlite:///{tmp / 's.db'}", publisher=publisher) as s:
        [first, second, *_] = (await s.plan("2026-12")).json()["visits"]
        yield Running(
            s.app,
            s.client,
            publisher,
            {
                ("GET", "/v1/areas"): Example("/v1/areas"),
                ("POST", "/v1/plans"): Example("/v1/plans", {"month": "2027-01"}),
                ("GET", "/v1/visits"): Example("/v1/visits"),
                ("GET", "/v1/visits.ics"): Example("/v1/visits.ics"),
                ("POST", "/v1/visits/{visit_id}/cancel"): Example(
                    f"/v1/visits/{first['id']}/cancel", {"reason": "hall flooded"}
                ),
                ("POST", "/v1/visits/{visit_id}/reschedule"): Example(
                    f"/v1/visits/{second['id']}/reschedule",
                    {"date": second["date"], "reason": "venue"},
                ),
            },
        )


SHARED = {("GET", "/healthz"), ("GET", "/readyz"), ("GET", "/metrics")}
SERVICES: dict[str, Callable[[Path], Any]] = {
    "intake": intake,
    "routing": routing,
    "notifications": notifications,
    "scheduling": scheduling,
}


def doors(app: FastAPI) -> list[tuple[APIRoute, object | None]]:
    return [(route, access_of(route.dependant.dependencies)) for route in api_routes(app)]


async def call(
    client: httpx.AsyncClient, method: str, example: Example, headers: dict[str, str]
) -> httpx.Response:
    content = json.dumps(example.body).encode() if example.body is not None else None
    return await client.request(
        method,
        example.path,
        content=content,
        headers={**headers, "Content-Type": "application/json"} if content else headers,
    )


async def published(running: Running) -> int:
    await running.app.state.relay.drain()
    return len(running.publisher.sent)


@pytest.mark.parametrize("service", list(SERVICES))
async def test_every_route_has_a_door_that_holds(service: str, tmp_path: Path) -> None:
    async with SERVICES[service](tmp_path) as running:
        db, table = running.app.state.db, running.app.state.service.metadata.tables["credentials"]
        tokens = {role: await issue(db, table, f"door-{role}", role) for role in Role}
        tokens[Role.DEPARTMENT] = await issue(db, table, "water-and-sanitation", Role.DEPARTMENT)
        checked = 0
        for route, access in doors(running.app):
            for method in route.methods:
                key = (method, route.path)
                assert access is not None, f"{service} {method} {route.path} declares no door"
                if key in SHARED:
                    assert access == PUBLIC
                    continue
                assert key in running.examples, f"{service}: add an example call for {key}"
                example = running.examples[key]
                await check(running, service, key, access, example, tokens)
                checked += 1
        assert checked == len(running.examples)  # no example for a route that is gone


async def check(
    running: Running,
    service: str,
    key: tuple[str, str],
    access: object,
    example: Example,
    tokens: dict[Role, str],
) -> None:
    method, client = key[0], running.client
    if access == PUBLIC:
        response = await call(client, method, example, {})
        assert response.status_code < 300, f"{service} {key}: {response.text}"
        return
    before = await published(running)
    if access == SIGNED:
        for wrong in ({}, {"X-MO-Signature": "sha256=00"}, bearer(tokens[Role.OPERATOR])):
            refused = await call(client, method, example, wrong)
            assert refused.status_code == 401, f"{service} {key} took {wrong}"
        body = json.dumps(example.body).encode()
        right = {"X-MO-Signature": signature(INBOUND_SECRET, body)}
    else:
        assert isinstance(access, frozenset)
        anonymous = await call(client, method, example, {})
        assert anonymous.status_code == 401, f"{service} {key} without a token"
        for role in set(Role) - access:
            wrong_role = await call(client, method, example, bearer(tokens[role]))
            assert wrong_role.status_code == 403, f"{service} {key} took a {role}'s token"
        right = bearer(tokens[min(access)])
    assert await published(running) == before, f"{service} {key} published when refused"
    allowed = await call(client, method, example, right)
    assert allowed.status_code < 300, f"{service} {key}: {allowed.status_code} {allowed.text}"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
