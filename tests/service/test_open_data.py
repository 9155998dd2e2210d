"""The open-data file's edges: a community typed with a number in it is never published even
when it is common, small communities merge into their area, a period is asked for sensibly,
and times fall to the start of their 6-hour block."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from services.intake.open_data.domain import bucket
from tests.support.fakes import FakePublisher
from tests.support.intake import request_body, running_intake


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (dt.datetime(2030, 3, 1, 5, 59, 59, 999, tzinfo=dt.UTC), "2030-03-01T00:00:00Z"),
        (dt.datetime(2030, 3, 1, 6, 0, tzinfo=dt.UTC), "2030-03-01T06:00:00Z"),
        (
            dt.datetime(2030, 3, 1, 23, 1, tzinfo=dt.timezone(dt.timedelta(hours=2))),
            "2030-03-01T18:00:00Z",
        ),
    ],
)
def test_times_fall_to_the_start_of_their_6_hour_block(at: dt.datetime, expected: str) -> None:
    assert bucket(at) == expected


async def test_only_common_real_places_are_named(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'i.db'}"
    typed = "Mrs Jacobs 0825550199"  # the same slip five times is still not a place
    async with running_intake(url, publisher=FakePublisher()) as intake:
        for community, times in (("Delft", 5), (typed, 5), ("Wupperthal", 4)):
            for _ in range(times):
                where = {"area": "north", "community": community}
                assert (await intake.post(request_body(location=where))).status_code == 201
        answer = await intake.client.get("/v1/open-data/requests.csv")
    assert answer.status_code == 200
    suburbs = [r["official_suburb"] for r in csv.DictReader(io.StringIO(answer.text))]
    assert sorted(set(suburbs)) == ["Delft", "North (other communities)"]
    assert suburbs.count("North (other communities)") == 9
    assert "0825550199" not in answer.text and "Wupperthal" not in answer.text


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2030-03-02&to=2030-03-01", "from"),
        ("from=2029-01-01&to=2030-03-01", "to"),
        ("to=0001-01-01", "to"),  # schemathesis found a 500 here once
        ("from=9999-12-31", "from"),
    ],
)
async def test_a_wrong_period_says_what_to_fix(tmp_path: Path, query: str, field: str) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'i.db'}"
    async with running_intake(url, publisher=FakePublisher()) as intake:
        answer = await intake.client.get(f"/v1/open-data/requests.csv?{query}")
    assert answer.status_code == 422
    assert field in answer.json()["error"]["fields"]
