"""Behind a reverse proxy named in MO_<SERVICE>_TRUSTED_PROXIES, the client's address and
scheme come from X-Forwarded-For and X-Forwarded-Proto: cookies are Secure when the client
used HTTPS, and limits count each client, not the proxy. From anyone else, and when no proxy
is named, those headers count for nothing (a client cannot choose its own address)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from fastapi import FastAPI

from services.routing.settings import RoutingSettings
from tests.support.fakes import FakePublisher
from tests.support.routing import Routing, running_routing

TEAM = "water-and-sanitation"
# httpx's in-process transport connects from 127.0.0.1: the proxy, when it is trusted.
PROXY = "127.0.0.1"
TRIES = 30  # wrong credentials a minute before the sign-in limiter asks to wait


@asynccontextmanager
async def routing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, trusted: str
) -> AsyncIterator[Routing]:
    monkeypatch.setenv("MO_ROUTING_TRUSTED_PROXIES", trusted)
    url = f"sqlite+aiosqlite:///{tmp_path / 'r.db'}"
    async with running_routing(url, publisher=FakePublisher()) as routing:
        yield routing


def forwarded(client: str, scheme: str = "https") -> dict[str, str]:
    return {"X-Forwarded-For": client, "X-Forwarded-Proto": scheme}


async def sign_in_cookie(routing: Routing, headers: dict[str, str]) -> str:
    answer = await routing.client.post(
        "/queue/sign-in", data={"credential": await routing.token(TEAM)}, headers=headers
    )
    assert answer.status_code == 303, answer.text
    routing.client.cookies.clear()
    return answer.headers["set-cookie"].lower()


async def wrong_sign_in(routing: Routing, headers: dict[str, str]) -> int:
    answer = await routing.client.post(
        "/queue/sign-in", data={"credential": "not-a-credential"}, headers=headers
    )
    return answer.status_code


async def test_behind_a_trusted_proxy_the_client_and_scheme_are_the_forwarded_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with routing_behind(tmp_path, monkeypatch, f"10.0.0.0/8, {PROXY}") as routing:
        assert "; secure" in await sign_in_cookie(routing, forwarded("203.0.113.7"))
        assert "; secure" not in await sign_in_cookie(routing, forwarded("203.0.113.7", "http"))
        for _ in range(TRIES):
            assert await wrong_sign_in(routing, forwarded("203.0.113.7")) == 401
        assert await wrong_sign_in(routing, forwarded("203.0.113.7")) == 429
        # Another client through the same proxy is not made to wait for the first one.
        assert await wrong_sign_in(routing, forwarded("203.0.113.8")) == 401
        # The client is the nearest address the proxies did not add, not one it wrote itself.
        chained = forwarded("198.51.100.1, 203.0.113.7, 10.1.2.3")
        assert await wrong_sign_in(routing, chained) == 429


@pytest.mark.parametrize("trusted", ["", "10.0.0.5"])
async def test_from_anyone_else_forwarded_headers_are_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, trusted: str
) -> None:
    async with routing_behind(tmp_path, monkeypatch, trusted) as routing:
        assert "; secure" not in await sign_in_cookie(routing, forwarded("203.0.113.7"))
        for n in range(TRIES):
            assert await wrong_sign_in(routing, forwarded(f"203.0.113.{n}")) == 401
        assert await wrong_sign_in(routing, forwarded("198.51.100.1")) == 429


@pytest.mark.parametrize("trusted", ["*", "proxy.example", "10.0.0.0/33"])
def test_a_trusted_proxy_must_be_an_address_or_network(
    monkeypatch: pytest.MonkeyPatch, trusted: str
) -> None:
    monkeypatch.setenv("MO_ROUTING_TRUSTED_PROXIES", trusted)
    with pytest.raises(ValueError, match="not an IP address or network"):
        RoutingSettings(database_url="sqlite+aiosqlite:///x.db")


def test_uvicorn_trusts_no_forwarded_headers_of_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """uvicorn would believe 127.0.0.1's forwarded headers by default: the service decides."""
    from shared import serve

    ran: dict[str, object] = {}
    monkeypatch.setenv("MO_ROUTING_DATABASE_URL", "sqlite+aiosqlite:///x.db")
    monkeypatch.setattr("shared.serve.uvicorn.run", lambda app, **options: ran.update(options))
    serve.serve(RoutingSettings, lambda settings: FastAPI())
    assert ran["proxy_headers"] is False
