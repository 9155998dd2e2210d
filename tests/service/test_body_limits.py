"""A body is counted as it arrives: past the limit the service answers 413 before any token
is checked or any field validated, having read at most the limit and one chunk more, so
nobody can make a service hold megabytes without a token."""

from __future__ import annotations

import tracemalloc
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support.fakes import FakePublisher
from tests.support.intake import running_intake
from tests.support.scheduling import running_scheduling

CHUNK = 64 * 1024
TWENTY_MB = 20 * 1024 * 1024


class Sender:
    """A chunked body that counts how much of it the server pulled."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.sent = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        chunk = b"x" * CHUNK
        while self.sent < self.total:
            self.sent += len(chunk)
            yield chunk


@pytest.mark.parametrize(
    ("service", "path", "limit"),
    [("intake", "/v1/requests", 64 * 1024), ("scheduling", "/v1/plans", 16 * 1024)],
)
async def test_a_chunked_20_mb_body_is_refused_after_the_limit(
    tmp_path: Path, service: str, path: str, limit: int
) -> None:
    running = running_intake if service == "intake" else running_scheduling
    async with running(f"sqlite+aiosqlite:///{tmp_path / 's.db'}", publisher=FakePublisher()) as s:
        body = Sender(TWENTY_MB)
        tracemalloc.start()
        try:
            response = await s.client.post(
                path, content=body, headers={"Content-Type": "application/json"}
            )
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert "content-length" not in {k.lower() for k in response.request.headers}
    assert response.status_code == 413  # not 401: no token was looked at
    assert response.json()["error"]["code"] == "body_too_large"
    assert body.sent <= limit + 2 * CHUNK  # the limit, the chunk that passed it, one in flight
    assert peak < 5 * 1024 * 1024


async def test_a_declared_length_over_the_limit_is_refused_unread(tmp_path: Path) -> None:
    async with running_intake(
        f"sqlite+aiosqlite:///{tmp_path / 'i.db'}", publisher=FakePublisher()
    ) as intake:
        response = await intake.client.post(
            "/v1/requests",
            content=b"{}",
            headers={"Content-Length": str(10 * 1024 * 1024), "Content-Type": "application/json"},
        )
    assert response.status_code == 413
