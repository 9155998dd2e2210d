"""The whole system on this machine: the services on a request's path (intake, routing,
notifications) as processes with SQLite stores at make run's log level, the broker, and a
local SMS gateway. At 100 requests/s for 60 s: intake's 201 to the assignment on the department
topic and to the SMS at the gateway, p50 and p99. Then the ceiling: requests posted as fast as
32 field apps can, timed until every one is assigned and its SMS sent. `system_cluster` is the
ceiling again on a three-node cluster of its own (replication 3, min.insync.replicas 2)."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp

from bench.common import ROOT, ArrivalClock, percentile, scratch, serve, stop, wait_http, write
from bench.intake import start_intake
from deploy.bus_setup import set_up_bus
from shared.catalogue import DEPARTMENTS
from shared.topics import (
    REQUESTS_LOGGED,
    REQUESTS_ROUTED,
    REQUESTS_STATUS,
    VISITS,
    department_topic,
)
from tests.support.gateways import SmsGatewayServer, sms_gateway
from tests.support.intake import request_body
from tests.support.kafka import fresh_group
from tests.support.processes import free_port

RATE = 100
SECONDS = int(os.environ.get("BENCH_SYSTEM_SECONDS", "60"))
CEILING_REQUESTS = int(os.environ.get("BENCH_SYSTEM_CEILING_REQUESTS", "4000"))
CLUSTER_PORT = 49092  # nodes on 49092..49097, apart from the tests' cluster
DEPT_TOPICS = [department_topic(d.slug) for d in DEPARTMENTS]
CONSUMES = {
    "routing": (REQUESTS_LOGGED,),
    "notifications": (REQUESTS_LOGGED, REQUESTS_ROUTED, REQUESTS_STATUS, VISITS),
}


async def _start(workdir: Path, bootstrap: str, service: str, extra: dict[str, str]) -> Any:
    port = free_port()
    env = {
        f"MO_{service.upper()}_DATABASE_URL": f"sqlite+aiosqlite:///{workdir / service}.db",
        f"MO_{service.upper()}_PORT": str(port),
        f"MO_{service.upper()}_CONSUMER_GROUP": await fresh_group(
            bootstrap, *CONSUMES[service], owner=service
        ),
        "MO_KAFKA_BOOTSTRAP": bootstrap,
        **extra,
    }
    process = serve([sys.executable, "-m", f"services.{service}"], env, workdir / f"{service}.log")
    await asyncio.to_thread(wait_http, f"http://127.0.0.1:{port}/readyz", 60)
    return process


@asynccontextmanager
async def _running(
    bootstrap: str,
) -> AsyncIterator[tuple[aiohttp.ClientSession, SmsGatewayServer]]:
    """The three services on `bootstrap` and a gateway; a field app's session with intake."""
    processes = []
    with scratch("system") as workdir:
        try:
            async with sms_gateway() as gateway:
                notifications_env = {
                    "MO_NOTIFICATIONS_SMS_URL": gateway.url,
                    "MO_NOTIFICATIONS_OUTBOX_DIR": str(workdir / "outbox"),  # e-mails: no server
                    "MO_NOTIFICATIONS_QUIET_HOURS": "off",
                    "MO_NOTIFICATIONS_SMS_PER_SECOND": "0",  # the system's ceiling, not the pace
                }
                processes.append(await _start(workdir, bootstrap, "routing", {}))
                processes.append(
                    await _start(workdir, bootstrap, "notifications", notifications_env)
                )
                intake, url, token = await start_intake(workdir, bootstrap)
                processes.append(intake)
                headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
                async with aiohttp.ClientSession(url, headers=headers) as session:
                    yield session, gateway
        finally:
            for process in processes:
                stop(process)


async def _post(session: aiohttp.ClientSession, clock: ArrivalClock) -> None:
    body = json.dumps(
        request_body(
            category="water",
            resident={"phone": "0825550199", "updates_by": "sms", "privacy_notice_given": True},
        )
    )
    # Every field app's request carries an Idempotency-Key of its own.
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    async with session.post("/v1/requests", data=body, headers=headers) as response:
        payload = await response.json()
    if response.status == 201:
        clock.on_created(payload["reference"])


def _sms_delays(clock: ArrivalClock, gateway: SmsGatewayServer) -> list[float]:
    first: dict[str, float] = {}
    for message in gateway.accepted:
        first.setdefault(message["reference"], message["at"])
    return [(first[r] - t) * 1000 for r, t in clock.created.items() if r in first]


async def _wait_sms(clock: ArrivalClock, gateway: SmsGatewayServer, timeout: float = 120) -> None:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if {m["reference"] for m in gateway.accepted} >= set(clock.created):
            return
        await asyncio.sleep(0.1)


async def _steady(
    bootstrap: str, session: aiohttp.ClientSession, gateway: SmsGatewayServer
) -> dict[str, Any]:
    """RATE requests a second for SECONDS seconds."""
    clock = ArrivalClock(bootstrap, *DEPT_TOPICS)
    await clock.start()
    start, tasks = time.perf_counter(), []
    for i in range(RATE * SECONDS):
        await asyncio.sleep(max(0.0, start + i / RATE - time.perf_counter()))
        tasks.append(asyncio.create_task(_post(session, clock)))
    await asyncio.gather(*tasks)
    await clock.wait_for_all()
    await _wait_sms(clock, gateway)
    await clock.stop()
    to_department, to_sms = clock.delays_ms(), _sms_delays(clock, gateway)
    steady = {
        "rate_rps": RATE,
        "seconds": SECONDS,
        "requests": len(clock.created),
        "assigned": len(to_department),
        "sms": len(to_sms),
        "to_department_p50_ms": round(percentile(to_department, 50), 1),
        "to_department_p99_ms": round(percentile(to_department, 99), 1),
        "to_sms_p50_ms": round(percentile(to_sms, 50), 1),
        "to_sms_p99_ms": round(percentile(to_sms, 99), 1),
    }
    print(f"system at {RATE} req/s: {steady}", flush=True)
    return steady


async def _ceiling(
    bootstrap: str, session: aiohttp.ClientSession, gateway: SmsGatewayServer
) -> dict[str, Any]:
    """As fast as 32 field apps can post, until every request is assigned and texted."""
    gateway.accepted.clear()
    clock = ArrivalClock(bootstrap, *DEPT_TOPICS)
    await clock.start()
    pending = iter(range(CEILING_REQUESTS))
    started = time.perf_counter()

    async def field_app() -> None:
        for _ in pending:
            await _post(session, clock)

    await asyncio.gather(*(field_app() for _ in range(32)))
    posted = time.perf_counter() - started
    await clock.wait_for_all(timeout=300)
    await _wait_sms(clock, gateway, timeout=300)
    through = time.perf_counter() - started
    await clock.stop()
    ceiling = {
        "requests": len(clock.created),
        "intake_rps": round(len(clock.created) / posted, 1),
        "end_to_end_rps": round(len(clock.created) / through, 1),
        "assigned": len(clock.delays_ms()),
        "sms": len(_sms_delays(clock, gateway)),
    }
    print(f"system ceiling: {ceiling}", flush=True)
    return ceiling


async def run(bootstrap: str) -> dict[str, Any]:
    async with _running(bootstrap) as (session, gateway):
        steady = await _steady(bootstrap, session, gateway)
        ceiling = await _ceiling(bootstrap, session, gateway)
    targets = {"ceiling.end_to_end_rps": ">= 350", "steady.to_department_p99_ms": "< 500"}
    figures = {"broker": "one broker", "steady": steady, "ceiling": ceiling, "targets": targets}
    print(f"({write('system', figures)})")
    return figures


async def run_on_cluster(_: str) -> dict[str, Any]:
    """The ceiling on a three-node cluster this benchmark starts (and stops) itself."""
    from deploy.kafka.cluster import Cluster

    cluster = Cluster(ROOT / "var" / "kafka-cluster-bench", port=CLUSTER_PORT)
    await asyncio.to_thread(cluster.start)
    os.environ["MO_KAFKA_REPLICATION_FACTOR"] = "3"  # the topics this process makes
    try:
        await set_up_bus(cluster.bootstrap)
        async with _running(cluster.bootstrap) as (session, gateway):
            ceiling = await _ceiling(cluster.bootstrap, session, gateway)
    finally:
        del os.environ["MO_KAFKA_REPLICATION_FACTOR"]
        await asyncio.to_thread(cluster.stop)
    broker = "three-node cluster (replication 3, min.insync.replicas 2, acks=all)"
    targets = {"ceiling.end_to_end_rps": ">= 250"}
    figures = {"broker": broker, "ceiling": ceiling, "targets": targets}
    print(f"({write('system_cluster', figures)})")
    return figures
