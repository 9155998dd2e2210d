"""The open-data file's edges: a community typed with a number in it is never published even
when it is common, small communities merge into their area, a period is asked for sensibly,
and times fall to the start of their 6-hour block."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from services.intake import store
from services.intake.deps import tool_deps
from services.intake.open_data.domain import as_csv, as_csv_chunks, bucket, period, row
from services.intake.open_data.handlers import Period, open_data_rows
from services.intake.public.store import suburbs
from shared.store import Database
from tests.support.clock import Clock
from tests.support.fakes import FakePublisher
from tests.support.intake import request_body, resolved, running_intake


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


async def _all_at_once(db: Database, start: dt.datetime, end: dt.datetime) -> str:
    """The file as it was made before it was streamed: every request of the period, then all
    their histories, then all their suburbs, then the text (ties in time taken by reference,
    as the stream takes them; the old read left their order to the database)."""
    c, h = store.requests.c, store.history.c
    logged = (c.created_at >= start) & (c.created_at < end)
    async with db.reading() as conn:
        found = (
            await conn.execute(
                select(store.requests).where(logged).order_by(c.created_at, c.reference)
            )
        ).all()
        steps: dict[str, list[Any]] = defaultdict(list)
        for step in await conn.execute(
            select(h.reference, h.status, h.at, h.note, h.cause)
            .where(h.reference.in_(select(c.reference).where(logged)))
            .order_by(h.at, h.id)
        ):
            steps[step.reference].append(step)
        shown_as = await suburbs(conn, ((r.area, r.community) for r in found))
    return as_csv(row(r, steps[r.reference], shown_as[(r.area, r.community)]) for r in found)


async def test_the_file_read_a_chunk_at_a_time_is_the_file_read_at_once(
    make_database: Callable[[], Awaitable[str]],
) -> None:
    """17 requests, two at each moment (a chunk may end between two of the same time), in
    communities above and one below the naming threshold, two in three resolved: read 3 at a
    time (six chunks), over HTTP (one chunk) and all at once, the same text."""
    clock = Clock()
    async with running_intake(
        await make_database(), publisher=FakePublisher(), clock=clock
    ) as intake:
        for i in range(17):
            clock.now = clock.start + dt.timedelta(minutes=37 * (i // 2))
            community = "Wupperthal" if i == 16 else ("Delft", "Atlantis", "Mfuleni")[i % 3]
            where = {"area": "north", "community": community}
            created = await intake.post(request_body(location=where))
            assert created.status_code == 201
            if i % 3:
                await resolved(intake.app, created.json()["reference"], clock.now)
        first, end = period(None, None, clock.now.date())
        expected = await _all_at_once(intake.app.state.db, first, end)
        read = await open_data_rows(Period(first, end, chunk=3), intake.app.state.db, tool_deps())
        streamed = "".join([text async for text in as_csv_chunks(read)])
        answer = await intake.client.get("/v1/open-data/requests.csv")
    assert len(expected.splitlines()) == 1 + 17 and "Delft" in expected
    assert "resolved" in expected and "North (other communities)" in expected
    assert streamed == expected
    assert answer.status_code == 200 and answer.text == expected
