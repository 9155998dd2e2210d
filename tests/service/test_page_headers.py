"""Pages a browser opens on a service's origin run only what they name: the API docs load
Swagger UI at one pinned version with integrity hashes under a strict Content-Security-Policy
(no inline script, nothing from anywhere else), ReDoc's CDN page is not served, and every
page of the field app (on intake's origin, with the device token) sends its CSP too."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from services.intake.field.pages import FILES, served
from tests.support.fakes import FakePublisher
from tests.support.intake import Intake, running_intake


@pytest.fixture
async def intake(tmp_path: Path) -> AsyncIterator[Intake]:
    async with running_intake(
        f"sqlite+aiosqlite:///{tmp_path / 'i.db'}", publisher=FakePublisher()
    ) as running:
        yield running


def directives(policy: str) -> dict[str, list[str]]:
    parts = (d.split() for d in policy.split(";") if d.strip())
    return {name: values for name, *values in parts}


async def test_the_api_docs_run_only_pinned_files_with_integrity(intake: Intake) -> None:
    page = await intake.client.get("/docs")
    assert page.status_code == 200
    policy = directives(page.headers["content-security-policy"])
    assert policy["default-src"] == ["'none'"]
    # No inline script, no eval, and from the CDN (which serves any package) only the one file.
    [own, cdn] = policy["script-src"]
    assert own == "'self'" and re.fullmatch(r"https://cdn\.jsdelivr\.net/npm/[^ ]+\.js", cdn)
    assert policy["connect-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert page.headers["x-content-type-options"] == "nosniff"
    scripts = re.findall(r"<script\b[^>]*>", page.text)
    assert scripts and all("src=" in tag for tag in scripts)  # no inline script
    loaded = re.findall(r'<(?:script|link)\b[^>]*(?:src|href)="(https://[^"]+)"[^>]*>', page.text)
    assert loaded, "Swagger UI comes from the CDN"
    for tag in re.findall(r"<(?:script|link)\b[^>]*https://[^>]*>", page.text):
        assert re.search(r'integrity="sha384-[A-Za-z0-9+/]{64}"', tag), tag
        assert 'crossorigin="anonymous"' in tag
        assert re.search(r"@\d+\.\d+\.\d+/", tag), f"not pinned to one version: {tag}"
    start = await intake.client.get("/docs/start.js")
    assert start.status_code == 200 and "/openapi.json" in start.text
    assert "content-security-policy" in start.headers
    assert (await intake.client.get("/openapi.json")).status_code == 200


async def test_redoc_from_a_cdn_is_not_served(intake: Intake) -> None:
    assert (await intake.client.get("/redoc")).status_code == 404


@pytest.mark.parametrize("name", ["", *sorted(FILES)])
async def test_every_field_app_file_sends_its_policy(intake: Intake, name: str) -> None:
    answer = await intake.client.get(f"/field/{name}")
    assert answer.status_code == 200
    policy = directives(answer.headers["content-security-policy"])
    assert policy["default-src"] == ["'self'"] and policy["script-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]


@pytest.mark.parametrize("name", ["", "app.js", "styles.css", "icon.svg"])
async def test_the_field_app_is_served_trimmed_and_unchanged_files_cost_a_304(
    intake: Intake, name: str
) -> None:
    answer = await intake.client.get(f"/field/{name}")
    assert answer.content == served(name or "index.html")
    again = await intake.client.get(
        f"/field/{name}", headers={"If-None-Match": answer.headers["etag"]}
    )
    assert again.status_code == 304 and again.content == b""
    assert "content-security-policy" in again.headers
