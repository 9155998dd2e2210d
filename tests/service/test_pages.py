"""Lists come in pages: `limit` (at most 1,000), the next page's cursor in `Next-Cursor` and
a `Link` header, every item once across the pages; a bad cursor, a limit over 1,000 or a
`from` after `to` is a 422 naming it, on every list of every service."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from fastapi import FastAPI
from fastapi.dependencies.utils import get_flat_params
from fastapi.routing import APIRoute

from shared.auth import access_of
from shared.credentials import Role
from shared.pages import decode, encode
from tests.support.door_examples import SERVICES
from tests.support.fakes import FakePublisher
from tests.support.routes import api_routes
from tests.support.routing import Routing, logged_event, running_routing
from tests.support.scheduling import Scheduling, running_scheduling
from tests.support.tokens import issue


@pytest.fixture
async def scheduling(tmp_path: Path) -> AsyncIterator[Scheduling]:
    async with running_scheduling(
        f"sqlite+aiosqlite:///{tmp_path / 's.db'}", publisher=FakePublisher()
    ) as running:
        await running.plan("2026-12")
        yield running


async def every_page(client: httpx.AsyncClient, path: str, **headers: str) -> list[list[dict]]:
    pages, url = [], path
    for _ in range(50):
        response = await client.get(url, headers=headers)
        assert response.status_code == 200, response.text
        pages.append(response.json())
        if "Next-Cursor" not in response.headers:
            return pages
        assert response.headers["Link"].endswith('rel="next"')
        url = response.headers["Link"].split(">")[0].removeprefix("<")
    raise AssertionError(f"{path}: the pages never end")


async def test_visits_come_in_pages_each_once(scheduling: Scheduling) -> None:
    everything = (await scheduling.client.get("/v1/visits")).json()
    pages = await every_page(scheduling.client, "/v1/visits?limit=3")
    assert all(len(p) == 3 for p in pages[:-1]) and 1 <= len(pages[-1]) <= 3
    assert [v["id"] for p in pages for v in p] == [v["id"] for v in everything]
    feed = await scheduling.client.get("/v1/visits.ics?limit=2")
    assert feed.text.count("BEGIN:VEVENT") == 2 and "Next-Cursor" in feed.headers


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2026-12-31&to=2026-12-01", "from"),
        ("limit=1001", "limit"),
        ("limit=0", "limit"),
        ("cursor=not-a-cursor", "cursor"),
        (f"cursor={encode([7, 'a', 'b'])}", "cursor"),  # a visit's key has other types
    ],
)
async def test_bad_list_queries_are_named(scheduling: Scheduling, query: str, field: str) -> None:
    for path in ("/v1/visits", "/v1/visits.ics"):
        response = await scheduling.client.get(f"{path}?{query}")
        assert response.status_code == 422 and field in response.json()["error"]["fields"]


# No list's key ever holds these: refused on every list, whatever it holds.
NEVER_OURS = [
    "not-a-cursor",
    "%%%",
    encode([]),
    encode([None]),
    encode([1.5]),
    encode([True]),
    encode([[1]]),
    encode([{"a": 1}]),
    encode(["2026-12-01T00:00:00+00:00", None]),
    "eyJhIjogMX0",  # {"a": 1}: an object, not a list
    "WyJh",  # `["a` cut short
]


def swapped(value: Any) -> Any:
    """The same place in a list, of the other type: a cursor edited by hand."""
    return str(value) if isinstance(value, int) else len(value)


def lists(app: FastAPI) -> list[APIRoute]:
    """Every route that answers a list in pages (it takes a `cursor`, itself or through
    `shared.pages.PagingDep`)."""
    return [
        route
        for route in api_routes(app)
        if "GET" in (route.methods or ())
        and any(p.alias == "cursor" for p in get_flat_params(route.dependant))
    ]


@pytest.mark.parametrize("service", list(SERVICES))
async def test_every_list_refuses_a_cursor_it_did_not_give(service: str, tmp_path: Path) -> None:
    async with SERVICES[service](tmp_path) as running:
        db, table = running.app.state.db, running.app.state.service.tables.credentials
        tokens = {role: await issue(db, table, f"door-{role}", role) for role in Role}
        tokens[Role.DEPARTMENT] = await issue(db, table, "water-and-sanitation", Role.DEPARTMENT)
        checked = 0
        for route in lists(running.app):
            example = running.examples[("GET", route.path)]
            access = access_of(route.dependant.dependencies)
            token = example.token or (tokens[min(access)] if isinstance(access, frozenset) else "")
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            joiner = "&" if "?" in example.path else "?"
            first = await running.client.get(f"{example.path}{joiner}limit=1", headers=headers)
            assert first.status_code == 200, f"{route.path}: {first.text}"
            bad = list(NEVER_OURS)
            if given := first.headers.get("Next-Cursor"):
                bad.append(encode([swapped(v) for v in decode(given) or []]))
            for cursor in bad:
                answer = await running.client.get(
                    f"{example.path}{joiner}cursor={quote(cursor)}", headers=headers
                )
                assert answer.status_code == 422, f"{route.path} cursor {cursor}: {answer.text}"
                assert "cursor" in answer.json()["error"]["fields"], route.path
            checked += 1
    assert checked >= 1


async def test_the_triage_list_comes_in_pages(tmp_path: Path) -> None:
    async with running_routing(
        f"sqlite+aiosqlite:///{tmp_path / 'r.db'}", publisher=FakePublisher()
    ) as routing:
        events = [logged_event() for _ in range(5)]
        for event in events:
            await deliver(routing, event)
        operators = await routing.auth("operators")
        pages = await every_page(routing.client, "/v1/requests?status=routed&limit=2", **operators)
    assert [len(p) for p in pages] == [2, 2, 1]
    assert sorted(r["reference"] for p in pages for r in p) == sorted(e.subject for e in events)


async def deliver(routing: Routing, event: object) -> None:
    from shared.events import CONTENT_TYPE, CloudEvent
    from shared.topics import REQUESTS_LOGGED

    assert isinstance(event, CloudEvent)
    await routing.app.state.broker.publish(
        event.to_bytes(), REQUESTS_LOGGED, key=event.key, headers={"content-type": CONTENT_TYPE}
    )
