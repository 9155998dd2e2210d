"""The public reads at scale, no Kafka: an intake store (SQLite) of 50,000 requests logged over
a year, each with its history (logged, routed, two in three resolved, some with a public
note, some with a note naming a person). Measures Open311's biggest page
(`requests.json?page_size=1000&extensions=true`, through intake's HTTP app in process: the
median of ten, and the statements it took) and the open-data file of the year (its time and
rows, and the process's peak memory growth while it is made, beside the same for about
5,000 requests: a file read a chunk at a time holds the same whatever the period's size)."""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import time
import tracemalloc
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

from sqlalchemy import event, insert

from bench.common import scratch, write
from services.intake import store
from services.intake.deps import tool_deps
from services.intake.open_data.domain import as_csv, as_csv_chunks
from services.intake.open_data.handlers import Period, open_data_rows
from shared.catalogue import CATEGORIES
from shared.contracts.common import Area
from shared.store import Database
from tests.support.clock import Clock
from tests.support.fakes import FakePublisher
from tests.support.intake import running_intake

REQUESTS = int(os.environ.get("BENCH_PUBLIC_REQUESTS", "50000"))
SMALL_DAYS = 37  # about a tenth of the year: some 5,000 requests at the full size
PAGE_RUNS = 10
END = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
YEAR = dt.timedelta(days=365)
COMMUNITIES = [f"Community {chr(65 + i // 26)}{chr(65 + i % 26)}" for i in range(120)]
NOTES = ("Pipe replaced", "Crew visited; fixed", "Call Mrs Jacobs on 082 555 0199")


def _rows(count: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """`count` requests spread evenly over the year before END, and their histories."""
    requests, steps = [], []
    for i in range(count):
        at = END - YEAR + YEAR * i / count
        category = CATEGORIES[i % len(CATEGORIES)]
        resolved = i % 3 != 0
        reference = f"{1000000000 + i}"
        community = "Rare 7" if i % 997 == 0 else COMMUNITIES[i % len(COMMUNITIES)]
        requests.append(
            {
                "reference": reference,
                "category": category.code,
                "area": list(Area)[i % 4].value,
                "community": community,
                "description": "Burst pipe next to the clinic",
                "lat": -34.0 + (i % 97) * 0.0013,
                "lon": 18.5 + (i % 89) * 0.0017,
                "agent": "bench",
                "channel": "mobile-office",
                "status": "resolved" if resolved else "routed",
                "department": category.department,
                "due_at": at + dt.timedelta(days=3),
                "created_at": at,
                "updated_at": at + dt.timedelta(days=2 if resolved else 0, hours=1),
            }
        )
        steps.append({"reference": reference, "status": "logged", "at": at})
        routed = at + dt.timedelta(hours=1)
        steps.append({"reference": reference, "status": "routed", "at": routed})
        if resolved:
            steps.append(
                {
                    "reference": reference,
                    "status": "resolved",
                    "at": at + dt.timedelta(days=2, hours=1),
                    "note": NOTES[i % 3] if i % 4 == 0 else None,
                    "cause": "fixed",
                }
            )
    return requests, steps


async def _fill(db: Database, count: int) -> None:
    requests, steps = _rows(count)
    async with db.transaction() as conn:
        await conn.execute(insert(store.requests), requests)
        await conn.execute(
            insert(store.history), [{"note": None, "cause": None, **s} for s in steps]
        )


async def _page(intake: Any) -> dict[str, Any]:
    """Open311's biggest page, ten times: its median, and the statements one took."""
    statements: list[str] = []

    def seen(*args: Any) -> None:
        if "outbox" not in str(args[2]):  # the relay's poll, beside the page
            statements.append(str(args[2]))

    params = {"page_size": "1000", "extensions": "true"}
    get = intake.client.get
    await get("/open311/v2/requests.json", params=params)  # warm: the app's first call
    engine = intake.app.state.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", seen)
    answer = await get("/open311/v2/requests.json", params=params)
    event.remove(engine, "before_cursor_execute", seen)
    assert answer.status_code == 200, answer.text
    shown = len(answer.json())  # 1,000 at the full size: the last 90 days hold some 12,000
    times = []
    for _ in range(PAGE_RUNS):
        started = time.perf_counter()
        answer = await get("/open311/v2/requests.json", params=params)
        times.append(time.perf_counter() - started)
        assert answer.status_code == 200 and len(answer.json()) == shown
    return {
        "page_requests": shown,
        "page_bytes": len(answer.content),
        "page_ms_median": round(statistics.median(times) * 1000, 1),
        "page_ms_max": round(max(times) * 1000, 1),
        "page_statements": len(statements),
    }


async def _stream(db: Database, start: dt.datetime) -> tuple[int, int]:
    """The open-data file from `start` to END, as the route sends it: rows and bytes."""
    rows = sent = 0

    async def counted(chunks: AsyncIterator[list[list[str]]]) -> AsyncIterator[list[list[str]]]:
        nonlocal rows
        async for chunk in chunks:
            rows += len(chunk)
            yield chunk

    chunks = await open_data_rows(Period(start, END), db, tool_deps())
    async for text in as_csv_chunks(counted(chunks)):
        sent += len(text.encode())  # to the socket, and gone
    return rows, sent


async def _whole(db: Database, start: dt.datetime) -> int:
    """The file made as before it was streamed: every row, then the whole text."""
    chunks = await open_data_rows(Period(start, END), db, tool_deps())
    rows = [row async for chunk in chunks for row in chunk]
    return len(as_csv(rows).encode())


async def _peak_mb(make: Callable[[], Awaitable[object]]) -> float:
    """The peak of memory Python allocated while `make()` ran, above what it held before."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]
    await make()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return round((peak - before) / 2**20, 2)


async def _open_data(db: Database) -> dict[str, Any]:
    year, small = END - YEAR, END - dt.timedelta(days=SMALL_DAYS)
    started = time.perf_counter()
    rows, sent = await _stream(db, year)
    seconds = time.perf_counter() - started
    small_rows, _ = await _stream(db, small)
    year_peak = await _peak_mb(lambda: _stream(db, year))
    small_peak = await _peak_mb(lambda: _stream(db, small))
    whole_peak = await _peak_mb(lambda: _whole(db, year))
    return {
        "file_rows": rows,
        "file_bytes": sent,
        "file_seconds": round(seconds, 2),
        "file_rows_per_s": round(rows / seconds),
        "small_file_rows": small_rows,
        "peak_growth_mb": year_peak,
        "small_peak_growth_mb": small_peak,
        "peak_ratio": round(year_peak / small_peak, 2),
        "whole_file_peak_growth_mb": whole_peak,
    }


async def _measure(workdir: Path) -> dict[str, Any]:
    url = f"sqlite+aiosqlite:///{workdir / 'intake.db'}"
    clock = Clock(END - dt.timedelta(minutes=1))
    async with running_intake(url, publisher=FakePublisher(), clock=clock) as intake:
        started = time.perf_counter()
        await _fill(intake.app.state.db, REQUESTS)
        print(f"public_reads: {REQUESTS} requests stored in {time.perf_counter() - started:.1f} s")
        page = await _page(intake)
        file = await _open_data(intake.app.state.db)
    return {"requests": REQUESTS, **page, **file}


async def run(bootstrap: str) -> dict[str, Any]:
    """`bootstrap` is not used: these reads never touch the bus."""
    with scratch("public_reads") as workdir:
        measured = await _measure(workdir)
    figures = {
        **measured,
        "targets": {"page_ms_median": "< 100", "page_statements": "2", "peak_ratio": "<= 1.5"},
    }
    path = write("public_reads", figures)
    print(f"public_reads: {json.dumps(measured)}  ({path})")
    return figures
