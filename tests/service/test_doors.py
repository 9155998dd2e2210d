"""Every route of every service says who may call it, and the door holds: built from the
routes themselves, so a new route without a door, or without an example here, fails.

For each route: no credential is 401, a token of another role 403, the right one 2xx; a public
route answers anyone; and nothing is published on a refused call."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute

from services.notifications.inbound.domain import signature
from shared.auth import FormKey, access_of
from shared.credentials import Role
from tests.support.door_calls import Example, Running
from tests.support.door_examples import SERVICES, SHARED
from tests.support.notifications import INBOUND_SECRET, USSD_SECRET
from tests.support.routes import api_routes
from tests.support.tokens import issue

PUBLIC = "public"
SIGNED = "sms-gateway (signed)"
USSD_SIGNED = "ussd-gateway (signed)"


def doors(app: FastAPI) -> list[tuple[APIRoute, object | None]]:
    return [(route, access_of(route.dependant.dependencies)) for route in api_routes(app)]


async def call(
    client: httpx.AsyncClient, method: str, example: Example, headers: dict[str, str]
) -> httpx.Response:
    if example.files is not None:
        return await client.request(
            method, example.path, data=example.body, files=example.files, headers=headers
        )
    if example.form:
        return await client.request(method, example.path, data=example.body, headers=headers)
    content = json.dumps(example.body).encode() if example.body is not None else None
    return await client.request(
        method,
        example.path,
        content=content,
        headers={**headers, "Content-Type": "application/json"} if content else headers,
    )


async def published(running: Running) -> int:
    """What the service has published so far, once what an earlier example set going has
    gone: notifications' due messages are sent now rather than by its worker a moment later,
    which would land while the next door is checked."""
    dispatcher = getattr(running.app.state, "dispatcher", None)
    if dispatcher is not None:
        await dispatcher.dispatch_due()
    await running.app.state.relay.drain()
    return len(running.publisher.sent)


@pytest.mark.parametrize("service", list(SERVICES))
async def test_every_route_has_a_door_that_holds(service: str, tmp_path: Path) -> None:
    async with SERVICES[service](tmp_path) as running:
        db, table = running.app.state.db, running.app.state.service.tables.credentials
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
        assert response.status_code < 400, f"{service} {key}: {response.text}"
        return
    before = await published(running)
    if access == SIGNED:
        for wrong in ({}, {"X-MO-Signature": "sha256=00"}, bearer(tokens[Role.OPERATOR])):
            refused = await call(client, method, example, wrong)
            assert refused.status_code == 401, f"{service} {key} took {wrong}"
        body = json.dumps(example.body).encode()
        right = {"X-MO-Signature": signature(INBOUND_SECRET, body)}
    elif access == USSD_SIGNED:
        # Signed over the form as sent, under the USSD gateway's own secret (the SMS
        # gateway's does not open it).
        raw = urlencode(example.body or {}).encode()
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        wrong_secret = {"X-MO-Signature": signature(INBOUND_SECRET, raw)}
        for wrong in (
            {},
            {"X-MO-Signature": "sha256=00"},
            wrong_secret,
            bearer(tokens[Role.OPERATOR]),
        ):
            refused = await client.request(
                method, example.path, content=raw, headers={**form, **wrong}
            )
            assert refused.status_code == 401, f"{service} {key} took {wrong}"
        right = {**form, "X-MO-Signature": signature(USSD_SECRET, raw)}
        assert await published(running) == before, f"{service} {key} published when refused"
        allowed = await client.request(method, example.path, content=raw, headers=right)
        assert allowed.status_code < 300, f"{service} {key}: {allowed.status_code} {allowed.text}"
        return
    elif isinstance(access, tuple):
        await check_page(running, service, key, access, example, tokens)
        return
    elif isinstance(access, FormKey):
        await check_form_key(running, service, key, access, example, tokens)
        return
    else:
        assert isinstance(access, frozenset)
        anonymous = await call(client, method, example, {})
        assert anonymous.status_code == 401, f"{service} {key} without a token"
        for role in set(Role) - access:
            wrong_role = await call(client, method, example, bearer(tokens[role]))
            assert wrong_role.status_code == 403, f"{service} {key} took a {role}'s token"
        right = bearer(example.token or tokens[min(access)])
    assert await published(running) == before, f"{service} {key} published when refused"
    allowed = await call(client, method, example, right)
    assert allowed.status_code < 300, f"{service} {key}: {allowed.status_code} {allowed.text}"


async def check_form_key(
    running: Running,
    service: str,
    key: tuple[str, str],
    access: FormKey,
    example: Example,
    tokens: dict[Role, str],
) -> None:
    """A token in a form field (Open311's api_key): none, another role's or a bearer header
    instead is 403 (as that standard says); the right one passes."""
    method, client, role = key[0], running.client, min(access.roles)
    before = await published(running)
    wrong = [{}, *({access.field: tokens[r]} for r in set(Role) - access.roles)]
    for sent in wrong:
        refused = await call(
            client,
            method,
            Example(example.path, {**(example.body or {}), **sent}, form=True),
            bearer(tokens[role]),
        )
        assert refused.status_code == 403, f"{service} {key} took {sent}"
    assert await published(running) == before, f"{service} {key} published when refused"
    right = Example(example.path, {**(example.body or {}), access.field: tokens[role]}, form=True)
    allowed = await call(client, method, right, {})
    assert allowed.status_code < 300, f"{service} {key}: {allowed.status_code} {allowed.text}"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def check_page(
    running: Running,
    service: str,
    key: tuple[str, str],
    access: tuple[str, frozenset[Role], bool],
    example: Example,
    tokens: dict[Role, str],
) -> None:
    """A page's door: no session goes to sign in; a session of another team's role is 403;
    a form without the session's CSRF token is 403; the right session passes."""
    _, roles, form = access
    method, client = key[0], running.client
    client.cookies.clear()
    away = await call(client, method, example, {})
    assert away.status_code == 303 and "sign-in" in away.headers["location"], f"{service} {key}"
    where = away.headers["location"]  # the sign-in of the site the page belongs to
    for role in {Role.DEPARTMENT, Role.OPERATOR} - roles:
        if await sign_in(client, tokens[role], where) is None:
            continue  # refused at the site's sign-in already: no session to try the page with
        assert (await call(client, method, example, {})).status_code == 403, f"{key} {role}"
    csrf = await sign_in(client, tokens[min(roles)], where)
    assert csrf is not None, f"{service} {key}: {min(roles)} could not sign in at {where}"
    before = await published(running)
    if form:
        forged = await call(client, method, example, {})
        assert forged.status_code == 403, f"{service} {key} took a form without its token"
        assert await published(running) == before, f"{service} {key} published when refused"
        example = Example(example.path, {**(example.body or {}), "csrf": csrf}, form=True)
    allowed = await call(client, method, example, {})
    assert allowed.status_code < 400, f"{service} {key}: {allowed.status_code} {allowed.text}"
    client.cookies.clear()


async def sign_in(
    client: httpx.AsyncClient, credential: str, where: str = "/queue/sign-in"
) -> str | None:
    """A session for `credential`'s holder at the sign-in page `where`; its CSRF token, or
    None when that site refuses the holder's role (403)."""
    client.cookies.clear()
    answer = await client.post(where, data={"credential": credential})
    if answer.status_code == 403:
        return None
    assert answer.status_code == 303, answer.text
    page = await client.get(answer.headers["location"])
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found is not None
    return found[1]
