"""Open311's reads are limited by what they look up: ids and tokens not found count in the
same tally as `GET /v1/requests/{reference}`'s misses, so 100 guesses a call walk nothing,
while an office reading its own requests again and again is never held up; rows read are
bounded too. A refusal is a 429 in the specification's error format, with Retry-After."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from services.intake.open311 import api as open311
from shared.limits import MissLimiter
from tests.support.fakes import FakePublisher
from tests.support.intake import Intake, request_body, running_intake
from tests.support.open311 import from_xml

BASE = "/open311/v2"
GUESSES = ",".join(f"{5_000_000_000 + i}" for i in range(100))


@pytest.fixture
async def intake(tmp_path: Path) -> AsyncIterator[Intake]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'i.db'}"
    async with running_intake(url, publisher=FakePublisher()) as intake:
        yield intake


async def _refused_everywhere(intake: Intake) -> None:
    for path in ("requests.json", "requests/5000000001.xml", "tokens/5000000001.json"):
        answer = await intake.client.get(f"{BASE}/{path}")
        assert answer.status_code == 429, (path, answer.text)
        assert 0 < int(answer.headers["Retry-After"]) <= 60
        if path.endswith("xml"):
            [said] = from_xml(answer.content, "errors")["error"]
        else:
            [said] = answer.json()
        assert str(said["code"]) == "429"
        assert "try again in" in said["description"]
    follow_up = await intake.client.get("/v1/requests/5000000001")
    assert follow_up.status_code == 429  # one tally for both doors


async def test_a_hundred_guesses_at_once_are_a_hundred_misses(intake: Intake) -> None:
    answer = await intake.client.get(
        f"{BASE}/requests.json", params={"service_request_id": GUESSES}
    )
    assert (answer.status_code, answer.json()) == (200, [])
    await _refused_everywhere(intake)


async def test_unknown_tokens_are_misses(intake: Intake) -> None:
    for i in range(30):
        assert (
            await intake.client.get(f"{BASE}/tokens/{5_000_000_000 + i}.json")
        ).status_code == 404
    await _refused_everywhere(intake)


async def test_reading_known_requests_again_and_again_is_never_held_up(intake: Intake) -> None:
    ours = [(await intake.post(request_body())).json()["reference"] for _ in range(10)]
    for _ in range(20):  # 200 lookups from one address, every one found
        answer = await intake.client.get(
            f"{BASE}/requests.json", params={"service_request_id": ",".join(ours)}
        )
        assert answer.status_code == 200 and len(answer.json()) == 10
        for reference in ours[:2]:
            assert (await intake.client.get(f"{BASE}/tokens/{reference}.xml")).status_code == 200


async def test_rows_read_are_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(open311, "ROWS_PER_MINUTE", 5)
    url = f"sqlite+aiosqlite:///{tmp_path / 'i.db'}"
    async with running_intake(url, publisher=FakePublisher()) as intake:
        for _ in range(3):
            await intake.post(request_body())
        first = await intake.client.get(f"{BASE}/requests.json", params={"page_size": "1000"})
        second = await intake.client.get(f"{BASE}/requests.json", params={"page_size": "1000"})
        third = await intake.client.get(f"{BASE}/requests.xml", params={"page_size": "1000"})
    assert (first.status_code, second.status_code, third.status_code) == (200, 200, 429)
    assert "Retry-After" in third.headers


def test_a_miss_may_weigh_more_than_one() -> None:
    now = [0.0]
    limiter = MissLimiter(30, 60.0, clock=lambda: now[0])
    limiter.missed("a", 20)
    now[0] = 10.0
    limiter.missed("a", 20)
    assert limiter.wait_seconds("a") == 50.0  # until the first 20 leave the window
    now[0] = 60.0
    assert limiter.wait_seconds("a") == 0.0
    limiter.missed("b", 29)
    assert limiter.wait_seconds("b") == 0.0
