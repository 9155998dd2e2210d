"""Routing under load, at several sizes (5,000, 20,000 and 80,000 logged events, or
BENCH_ROUTING_SIZES): for each, the events pre-loaded, one routing process started on a fresh
store and a fresh consumer group, time until all are assigned, and its peak RSS; at the middle
size, the same events through a bare aiokafka consume-and-produce loop (no database, no rules);
then intake's 201 to the assignment being readable on the department topic at 50 requests/s."""

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

from bench.common import (
    ArrivalClock,
    middle,
    peak_rss_mb,
    percentile,
    scaling,
    scaling_summary,
    scratch,
    serve,
    sizes,
    stop,
    wait_http,
    write,
)
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

SIZES = sizes("BENCH_ROUTING_SIZES", "5000,20000,80000")
E2E_RATE = 50
E2E_SECONDS = int(os.environ.get("BENCH_ROUTING_E2E_SECONDS", "20"))
DEPT_TOPICS = [department_topic(d.slug) for d in DEPARTMENTS]
BARE_OUT = "bench.bare.out"


async def _preload(bootstrap: str, events: int) -> list[tuple[bytes, bytes]]:
    messages = [
        (e.key, e.to_bytes())
        for e in (
            logged_event(category=CATEGORIES[i % len(CATEGORIES)].code) for i in range(events)
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


async def _start_routing(workdir: Path, bootstrap: str, group: str) -> Any:
    """One routing process on a fresh store in `workdir`, consuming as `group`, once ready."""
    port = free_port()
    env = {
        "MO_ROUTING_DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'routing.db'}",
        "MO_ROUTING_PORT": str(port),
        "MO_ROUTING_CONSUMER_GROUP": group,
        "MO_KAFKA_BOOTSTRAP": bootstrap,
        "MO_ROUTING_LOG_LEVEL": "WARNING",
    }
    process = serve([sys.executable, "-m", "services.routing"], env, workdir / "routing.log")
    try:
        await asyncio.to_thread(wait_http, f"http://127.0.0.1:{port}/readyz", 60)
    except BaseException:
        stop(process)
        raise
    return process


async def _routing(workdir: Path, bootstrap: str, group: str, keys: set[str]) -> dict[str, Any]:
    """Routing started on the pre-loaded events: its figures, and its peak RSS read before it
    stops."""
    clock = ArrivalClock(bootstrap, *DEPT_TOPICS)
    await clock.start()
    launched = time.perf_counter()
    process = await _start_routing(workdir, bootstrap, group)
    try:
        ready = time.perf_counter()
        for key in keys:
            clock.created[key] = ready
        await clock.wait_for_all(timeout=300)
        await clock.stop()
        peak = peak_rss_mb(process)
    finally:
        stop(process)
    arrived = [clock.readable[k] for k in keys if k in clock.readable]
    last = max(arrived) if arrived else float("nan")
    return {
        "events": len(keys),
        "assigned": len(arrived),
        "startup_s": round(ready - launched, 2),
        "seconds": round(last - ready, 2),
        "events_per_s": round(len(arrived) / (last - ready), 1),
        "peak_rss_mb": peak,
    }


async def _bare(bootstrap: str, group: str, events: int) -> dict[str, Any]:
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
        while done < events:
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
    """Intake's 201 to the assignment readable on the department topic, at E2E_RATE req/s,
    through a routing process of its own."""
    group = await fresh_group(bootstrap, REQUESTS_LOGGED, owner="routing")
    routing = await _start_routing(workdir, bootstrap, group)
    try:
        return await _to_department(workdir, bootstrap)
    finally:
        stop(routing)


async def _to_department(workdir: Path, bootstrap: str) -> dict[str, Any]:
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


async def _size(bootstrap: str, events: int) -> dict[str, Any]:
    """Routing on `events` pre-loaded events, on a consumer group and a store of their own."""
    # The group starts where this size's pre-load begins: the events earlier sizes left on
    # the topic are not this run's work.
    group = await fresh_group(bootstrap, REQUESTS_LOGGED, owner="routing")
    with scratch(f"routing-{events}") as workdir:
        print(f"routing: pre-loading {events} logged events", flush=True)
        keys = {key.decode() for key, _ in await _preload(bootstrap, events)}
        routing = await _routing(workdir, bootstrap, group, keys)
    print(f"routing: {routing}", flush=True)
    return routing


async def run(bootstrap: str) -> dict[str, Any]:
    await ensure_topics(bootstrap, [REQUESTS_LOGGED, *DEPT_TOPICS])
    runs = []
    for events in SIZES:
        if events != middle(SIZES):
            runs.append(await _size(bootstrap, events))
            continue
        # The bare loop reads the same events as routing: its group starts where they do.
        bare_group = await fresh_group(bootstrap, REQUESTS_LOGGED, owner="bare")
        runs.append(routing := await _size(bootstrap, events))
        bare = await _bare(bootstrap, bare_group, events)
        print(f"bare loop: {bare}", flush=True)
    with scratch("routing-e2e") as workdir:
        e2e = await _end_to_end(workdir, bootstrap)
    print(f"end to end: {e2e}", flush=True)
    figures = {
        "routing": routing,
        "scaling": scaling(runs, "events_per_s"),
        "bare": bare,
        "routing_over_bare": round(routing["events_per_s"] / bare["events_per_s"], 2),
        "end_to_end": e2e,
        "targets": {
            "routing.events_per_s": ">= 1000",
            "routing_over_bare": ">= 0.3",
            "scaling.max_over_min": "<= 1.2",
            "scaling.peak_rss_mb_max": "<= 200",
            "end_to_end.p99_ms": "< 1000",
        },
    }
    path = write("routing", figures)
    print(f"routing {scaling_summary(figures['scaling'], 'events_per_s')}")
    print(f"routing / bare: {figures['routing_over_bare']}  ({path})")
    return figures
