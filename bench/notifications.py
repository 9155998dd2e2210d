"""Notifications under load, at several sizes (2,500, 10,000 and 40,000 logged events of
residents asking for SMS updates, or BENCH_NOTIFICATIONS_SIZES): for each, one notifications
process on a fresh store and a fresh consumer group sends them all to a local gateway that
answers at once; its SMS/s and peak RSS. At the middle size, a bare loop posts the same number
of texts to the same gateway with the same HTTP client and concurrency."""

from __future__ import annotations

import asyncio
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp

from bench.common import (
    middle,
    peak_rss_mb,
    scaling,
    scaling_summary,
    scratch,
    serve,
    sizes,
    stop,
    wait_http,
    write,
)
from services.notifications.messages.domain import render
from services.notifications.messages.texts import Template
from shared.contracts.common import Language
from shared.events import CONTENT_TYPE
from shared.reference import format_for_reading
from shared.topics import REQUESTS_LOGGED, REQUESTS_ROUTED, REQUESTS_STATUS, VISITS
from tests.support.gateways import sms_gateway
from tests.support.kafka import fresh_group, publish_raw
from tests.support.notifications import logged
from tests.support.processes import free_port

SIZES = sizes("BENCH_NOTIFICATIONS_SIZES", "2500,10000,40000")
CONCURRENCY = 50  # the dispatcher's


async def _service(workdir: Path, bootstrap: str, gateway: Any, events: int) -> dict[str, Any]:
    """`events` logged events to SMS through one notifications process on a fresh store in
    `workdir` and a consumer group of its own; its peak RSS read before it stops."""
    gateway.accepted.clear()
    group = await fresh_group(
        bootstrap, REQUESTS_LOGGED, REQUESTS_ROUTED, REQUESTS_STATUS, VISITS, owner="notifications"
    )
    languages = ["en", "af", "xh"]
    messages = [logged(language=languages[i % 3]) for i in range(events)]
    await publish_raw(
        bootstrap,
        REQUESTS_LOGGED,
        [(m.key, m.to_bytes()) for m in messages],
        {"content-type": CONTENT_TYPE},
    )
    port = free_port()
    env = {
        "MO_NOTIFICATIONS_DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'notifications.db'}",
        "MO_NOTIFICATIONS_PORT": str(port),
        "MO_NOTIFICATIONS_CONSUMER_GROUP": group,
        "MO_NOTIFICATIONS_SMS_URL": gateway.url,
        "MO_NOTIFICATIONS_OUTBOX_DIR": str(workdir / "outbox"),  # e-mails: no mail server here
        "MO_NOTIFICATIONS_QUIET_HOURS": "off",
        "MO_NOTIFICATIONS_SMS_PER_SECOND": "0",  # the bare loop has no pace either
        "MO_NOTIFICATIONS_LOG_LEVEL": "WARNING",
        "MO_KAFKA_BOOTSTRAP": bootstrap,
    }
    process = serve([sys.executable, "-m", "services.notifications"], env, workdir / "n.log")
    try:
        await asyncio.to_thread(wait_http, f"http://127.0.0.1:{port}/readyz", 60)
        started = time.perf_counter()
        deadline = started + 600
        while len(gateway.accepted) < events and time.perf_counter() < deadline:
            await asyncio.sleep(0.05)
        elapsed = time.perf_counter() - started
        peak = peak_rss_mb(process)
    finally:
        stop(process)
    accepted = len(gateway.accepted)
    return {
        "events": events,
        "sms_accepted": accepted,
        "seconds": round(elapsed, 2),
        "sms_per_s": round(accepted / elapsed, 1),
        "peak_rss_mb": peak,
    }


async def _bare(gateway: Any, texts: int) -> dict[str, Any]:
    gateway.accepted.clear()
    bodies = []
    for i in range(texts):
        reference = f"{1000000000 + i}"
        text = render(
            Template.LOGGED, Language.EN, {"reference": format_for_reading(reference)}
        ).sms
        bodies.append({"to": "+27825550199", "text": text, "reference": reference})
    pending = iter(bodies)
    before = len(gateway.accepted)
    connector = aiohttp.TCPConnector(limit=64)  # the same client as the service's gateway
    async with aiohttp.ClientSession(connector=connector) as client:

        async def worker() -> None:
            for body in pending:
                key = {"Idempotency-Key": str(uuid.uuid4())}
                async with client.post(gateway.url, json=body, headers=key) as response:
                    await response.read()

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        elapsed = time.perf_counter() - started
    sent = len(gateway.accepted) - before
    return {"sms": sent, "seconds": round(elapsed, 2), "sms_per_s": round(sent / elapsed, 1)}


async def run(bootstrap: str) -> dict[str, Any]:
    runs = []
    async with sms_gateway() as gateway:
        for events in SIZES:
            with scratch(f"notifications-{events}") as workdir:
                runs.append(await _service(workdir, bootstrap, gateway, events))
            print(f"notifications: {runs[-1]}", flush=True)
            if events == middle(SIZES):
                service = runs[-1]
                bare = await _bare(gateway, events)
                print(f"bare loop: {bare}", flush=True)
    figures = {
        "notifications": service,
        "scaling": scaling(runs, "sms_per_s"),
        "bare": bare,
        "notifications_over_bare": round(service["sms_per_s"] / bare["sms_per_s"], 2),
        "targets": {
            "notifications.sms_per_s": ">= 300",
            "notifications_over_bare": ">= 0.5",
            "scaling.max_over_min": "<= 1.2",
            "scaling.peak_rss_mb_max": "<= 200",
        },
    }
    path = write("notifications", figures)
    print(f"notifications {scaling_summary(figures['scaling'], 'sms_per_s')}")
    print(f"notifications / bare: {figures['notifications_over_bare']}  ({path})")
    return figures
