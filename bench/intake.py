"""Intake under load: 5,000 requests at concurrency 32 against one intake process (SQLite, real
broker), the delay from each 201 to its event being readable on mo.requests.logged, and the
same load against a bare FastAPI endpoint (same validation, same row, no outbox, no Kafka)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp

from bench.common import (
    ArrivalClock,
    peak_rss_mb,
    percentile,
    scratch,
    serve,
    stop,
    wait_http,
    write,
)
from shared.credentials import Role
from shared.topics import REQUESTS_LOGGED, REQUESTS_ROUTED, REQUESTS_STATUS, VISITS
from tests.support.intake import request_body
from tests.support.kafka import fresh_group
from tests.support.processes import free_port
from tests.support.tokens import issue

REQUESTS = int(os.environ.get("BENCH_INTAKE_REQUESTS", "5000"))
CONCURRENCY = 32
WARMUP = 200


async def _load(
    url: str,
    headers: dict[str, str],
    count: int,
    on_created: Callable[[str], None],
    keyed: bool = False,
) -> tuple[list[float], float, int]:
    """Post `count` requests from CONCURRENCY workers; latencies (s), wall time, errors.
    `keyed`: each with an Idempotency-Key of its own, as every field app sends.

    aiohttp rather than httpx: the load generator shares the machine's two cores with the
    server and the broker, and aiohttp costs it about half the CPU per request."""
    bodies = [json.dumps(request_body()).encode() for _ in range(count)]
    latencies: list[float] = []
    errors = 0
    pending = iter(bodies)
    connector = aiohttp.TCPConnector(limit=CONCURRENCY)
    headers = {**headers, "Content-Type": "application/json"}
    async with aiohttp.ClientSession(url, connector=connector, headers=headers) as session:

        async def worker() -> None:
            nonlocal errors
            for body in pending:
                key = {"Idempotency-Key": str(uuid.uuid4())} if keyed else {}
                started = time.perf_counter()
                async with session.post("/v1/requests", data=body, headers=key) as response:
                    payload = await response.json()
                latencies.append(time.perf_counter() - started)
                if response.status == 201:
                    on_created(payload["reference"])
                else:
                    errors += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        elapsed = time.perf_counter() - started
    return latencies, elapsed, errors


def _summary(latencies: list[float], elapsed: float, errors: int) -> dict[str, float]:
    ms = [x * 1000 for x in latencies]
    return {
        "requests": len(latencies),
        "errors": errors,
        "throughput_rps": round(len(latencies) / elapsed, 1),
        "latency_p50_ms": round(percentile(ms, 50), 1),
        "latency_p95_ms": round(percentile(ms, 95), 1),
        "latency_p99_ms": round(percentile(ms, 99), 1),
    }


async def start_intake(
    workdir: Path, bootstrap: str, port: int | None = None, fresh: bool = True
) -> tuple[subprocess.Popen[bytes], str, str]:
    """One intake process on a fresh SQLite store with a field agent (or, not `fresh`, on
    the store an earlier one left): (process, url, token)."""
    from services.intake import store
    from shared.store import Database

    url_db = f"sqlite+aiosqlite:///{workdir / 'intake.db'}"
    token = ""
    if fresh:
        db = Database(url_db)
        await db.create_schema(store.metadata)
        token = await issue(db, store.credentials, "bench-agent", Role.FIELD_AGENT)
        await db.dispose()
    port = port or free_port()
    # A consumer group of its own at the topics' end: earlier runs' routing decisions (for
    # references this fresh store never issued) are not this benchmark's work.
    group = await fresh_group(bootstrap, REQUESTS_ROUTED, REQUESTS_STATUS, VISITS, owner="intake")
    env = {
        "MO_INTAKE_DATABASE_URL": url_db,
        "MO_INTAKE_CONSUMER_GROUP": group,
        "MO_INTAKE_PORT": str(port),
        "MO_INTAKE_ATTACHMENTS_FOLDER": str(workdir / "attachments"),
        "MO_KAFKA_BOOTSTRAP": bootstrap,  # and make run's log level (INFO: a line a request)
    }
    log = workdir / ("intake.log" if fresh else "intake-again.log")
    process = serve([sys.executable, "-m", "services.intake"], env, log)
    url = f"http://127.0.0.1:{port}"
    try:
        await asyncio.to_thread(wait_http, f"{url}/readyz")
    except BaseException:
        stop(process)
        raise
    return process, url, token


async def _bench_intake(workdir: Path, bootstrap: str) -> dict[str, Any]:
    process, url, token = await start_intake(workdir, bootstrap)
    try:
        headers = {"Authorization": f"Bearer {token}"}
        await _load(url, headers, WARMUP, lambda _: None, keyed=True)
        clock = ArrivalClock(bootstrap, REQUESTS_LOGGED)
        await clock.start()
        # The field app's path: every request with its Idempotency-Key.
        latencies, elapsed, errors = await _load(
            url, headers, REQUESTS, clock.on_created, keyed=True
        )
        await clock.wait_for_all()
        await clock.stop()
        without_key = _summary(*await _load(url, headers, REQUESTS, lambda _: None))
        peak = peak_rss_mb(process)
    finally:
        stop(process)
    delays = clock.delays_ms()
    return {
        **_summary(latencies, elapsed, errors),
        "without_key": without_key,
        "events_readable": len(delays),
        "event_delay_p50_ms": round(percentile(delays, 50), 1),
        "event_delay_p99_ms": round(percentile(delays, 99), 1),
        "peak_rss_mb": peak,
    }


async def _bench_baseline(workdir: Path) -> dict[str, Any]:
    port = free_port()
    env = {"BASELINE_DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'baseline.db'}"}
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "bench.baseline_app:app",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    process = serve(command, env, workdir / "baseline.log")
    try:
        await asyncio.to_thread(wait_http, f"http://127.0.0.1:{port}/docs")
        url = f"http://127.0.0.1:{port}"
        await _load(url, {}, WARMUP, lambda _: None)
        latencies, elapsed, errors = await _load(url, {}, REQUESTS, lambda _: None)
    finally:
        stop(process)
    return _summary(latencies, elapsed, errors)


async def run(bootstrap: str) -> dict[str, Any]:
    with scratch("intake") as workdir:
        intake = await _bench_intake(workdir, bootstrap)
        baseline = await _bench_baseline(workdir)
    figures = {
        "requests": REQUESTS,
        "concurrency": CONCURRENCY,
        "intake": intake,
        "baseline": baseline,
        "intake_over_baseline": round(intake["throughput_rps"] / baseline["throughput_rps"], 2),
        "targets": {
            "intake.throughput_rps": ">= 400",
            "intake.latency_p99_ms": "< 250",
            "intake.event_delay_p99_ms": "< 500",
            "intake_over_baseline": ">= 1.0",  # a group commit can beat a commit per request
            "intake.peak_rss_mb": "<= 200",
        },
    }
    path = write("intake", figures)
    print(f"intake: {intake}")
    print(f"baseline: {baseline}")
    print(f"intake / baseline: {figures['intake_over_baseline']}  ({path})")
    return figures
