"""Routing under load: 20,000 logged events pre-loaded, one routing process (SQLite, real
broker) started, time until all are assigned; the same events through a bare aiokafka
consume-and-produce loop (no database, no rules); and intake's 201 to the assignment being
readable on the department topic at 50 requests/s."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from bench.common import ArrivalClock, percentile, scratch, serve, stop, wait_http, write
from bench.intake import start_intake
from deploy.bus_setup import ensure_topics
from shared.catalogue import CATEGORIES, DEPARTMENTS
from shared.events import CONTENT_TYPE
from shared.kafka_security import options
from shared.topics import REQUESTS_LOGGED, department_topic
from tests.support.intake import request_body
from tests.support.kafka import fresh_group
from tests.support.processes import free_port
from tests.support.routing import logged_event

EVENTS = int(os.environ.get("BENCH_ROUTING_EVENTS", "20000"))
E2E_RATE = 50
E2E_SECONDS = int(os.environ.get("BENCH_ROUTING_E2E_SECONDS", "20"))
DEPT_TOPICS = [department_topic(d.slug) for d in DEPARTMENTS]
BARE_OUT = "bench.bare.out"


async def _preload(bootstrap: str) -> list[tuple[bytes, bytes]]:
    messages = [
        (e.key, e.to_bytes())
        for e in (
            logged_event(category=CATEGORIES[i % len(CATEGORIES)].code) for i in range(EVENTS)
        )
    ]
    producer = AIOKafkaProducer(
        **options(), bootstrap_servers=bootstrap, enable_idempotence=True, linger_ms=10
    )
    await producer.start()
    try:
        headers = [("content-type", CONTENT_TYPE.encode())]
        for key, value in messages:
            await producer.send(REQUESTS_LOGGED, value=value, key=key, headers=headers)
        await producer.flush()
    finally:
        await producer.stop()
    return messages


async def _routing(
    workdir: Path, bootstrap: str, group: str, keys: set[str]
) -> tuple[dict[str, Any], Any]:
    """Start routing on the pre-loaded events; returns its figures and the running process."""
    clock = ArrivalClock(bootstrap, *DEPT_TOPICS)
    await clock.start()
    port = free_port()
    env = {
        "MO_ROUTING_DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'routing.db'}",
        "MO_ROUTING_PORT": str(port),
        "MO_ROUTING_CONSUMER_GROUP": group,
        "MO_KAFKA_BOOTSTRAP": bootstrap,
        "MO_ROUTING_LOG_LEVEL": "WARNING",
    }
    launched = time.perf_counter()
    process = serve([sys.executable, "-m", "services.routing"], env, workdir / "routing.log")
    await asyncio.to_thread(wait_http, f"http://127.0.0.1:{port}/readyz", 60)
    ready = time.perf_counter()
    for key in keys:
        clock.created[key] = ready
    await clock.wait_for_all(timeout=300)
    await clock.stop()
    arrived = [clock.readable[k] for k in keys if k in clock.readable]
    last = max(arrived) if arrived else float("nan")
    return {
        "events": EVENTS,
        "assigned": len(arrived),
        "startup_s": round(ready - launched, 2),
        "seconds": round(last - ready, 2),
        "events_per_s": round(len(arrived) / (last - ready), 1),
    }, process


async def _bare(bootstrap: str, group: str) -> dict[str, Any]:
    """The floor: consume the same events and produce each once, idempotently, no database."""
    await ensure_topics(bootstrap, [BARE_OUT])
    consumer = AIOKafkaConsumer(
        REQUESTS_LOGGED,
        **options(),
        bootstrap_servers=bootstrap,
        group_id=group,
        enable_auto_commit=False,
        max_poll_records=500,
    )
    producer = AIOKafkaProducer(
        **options(), bootstrap_servers=bootstrap, enable_idempotence=True, linger_ms=5
    )
    await consumer.start()
    await producer.start()
    started = time.perf_counter()
    done = 0
    try:
        while done < EVENTS:
            batches = await consumer.getmany(timeout_ms=500, max_records=500)
            futures = [
                await producer.send(BARE_OUT, value=r.value, key=r.key)
                for records in batches.values()
                for r in records
            ]
            await asyncio.gather(*futures)
            await consumer.commit()
            done += len(futures)
        elapsed = time.perf_counter() - started
    finally:
        await consumer.stop()
        await producer.stop()
    return {"events": done, "seconds": round(elapsed, 2), "events_per_s": round(done / elapsed, 1)}


async def _end_to_end(workdir: Path, bootstrap: str) -> dict[str, Any]:
    """Intake's 201 to the assignment readable on the department topic, at E2E_RATE req/s."""
    process, url, token = await start_intake(workdir, bootstrap)
    clock = ArrivalClock(bootstrap, *DEPT_TOPICS)
    await clock.start()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    try:
        async with aiohttp.ClientSession(url, headers=headers) as session:

            async def post(body: bytes) -> None:
                async with session.post("/v1/requests", data=body) as response:
                    payload = await response.json()
                if response.status == 201:
                    clock.on_created(payload["reference"])

            tasks = []
            start = time.perf_counter()
            for i in range(E2E_RATE * E2E_SECONDS):
                await asyncio.sleep(max(0.0, start + i / E2E_RATE - time.perf_counter()))
                tasks.append(asyncio.create_task(post(json.dumps(request_body()).encode())))
            await asyncio.gather(*tasks)
        await clock.wait_for_all(timeout=60)
    finally:
        await clock.stop()
        stop(process)
    delays = clock.delays_ms()
    return {
        "rate_rps": E2E_RATE,
        "requests": len(clock.created),
        "assigned": len(delays),
        "p50_ms": round(percentile(delays, 50), 1),
        "p99_ms": round(percentile(delays, 99), 1),
    }


async def run(bootstrap: str) -> dict[str, Any]:
    await ensure_topics(bootstrap, [REQUESTS_LOGGED, *DEPT_TOPICS])
    # Two groups of the benchmark's own, both starting where the pre-load begins.
    routing_group = await fresh_group(bootstrap, REQUESTS_LOGGED, owner="routing")
    bare_group = await fresh_group(bootstrap, REQUESTS_LOGGED, owner="bare")
    routing_process = None
    with scratch("routing") as workdir:
        try:
            print(f"routing: pre-loading {EVENTS} logged events", flush=True)
            messages = await _preload(bootstrap)
            keys = {k.decode() for k, _ in messages}
            routing, routing_process = await _routing(workdir, bootstrap, routing_group, keys)
            print(f"routing: {routing}", flush=True)
            bare = await _bare(bootstrap, bare_group)
            print(f"bare loop: {bare}", flush=True)
            e2e = await _end_to_end(workdir, bootstrap)
            print(f"end to end: {e2e}", flush=True)
        finally:
            if routing_process is not None:
                stop(routing_process)
    figures = {
        "routing": routing,
        "bare": bare,
        "routing_over_bare": round(routing["events_per_s"] / bare["events_per_s"], 2),
        "end_to_end": e2e,
        "targets": {
            "events_per_s": ">= 1000",
            "routing_over_bare": ">= 0.3",
            "end_to_end_p99_ms": "< 1000",
        },
    }
    path = write("routing", figures)
    print(f"routing / bare: {figures['routing_over_bare']}  ({path})")
    return figures
