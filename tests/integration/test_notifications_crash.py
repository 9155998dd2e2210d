"""Issue 17's promise, with notifications as a process killed with kill -9 while sending to a
gateway process that counts every POST: 1,000 residents each get their text, and the texts a
gateway ignoring Idempotency-Key would have sent twice are at most the dispatch concurrency,
with the gateway fast and with it taking a second per message."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from deploy.probe import wait_until_ok
from shared.topics import REQUESTS_LOGGED
from tests.support.kafka import fresh_group, publish_raw
from tests.support.processes import ROOT, ServiceProcess, free_port
from tests.support.routing import logged_event

pytestmark = pytest.mark.integration
COUNT = 1000
CONCURRENCY = 50


def unsent(store: Path) -> int:
    """Deliveries still pending in notifications' store (leased ones included)."""
    with contextlib.closing(sqlite3.connect(store)) as db:
        (count,) = db.execute("SELECT count(*) FROM deliveries WHERE status = 'pending'").fetchone()
    return int(count)


def lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.is_file() else []


@pytest.mark.parametrize("gateway_delay", [0.0, 1.0])
def test_a_crash_repeats_at_most_what_was_in_flight(
    kafka_bootstrap: str, tmp_path: Path, gateway_delay: float
) -> None:
    sms = tmp_path / "sms.jsonl"
    port = free_port()
    gateway = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.support.gateway_process",
            str(port),
            str(sms),
            str(gateway_delay),
        ],
        cwd=ROOT,
    )
    group = asyncio.run(fresh_group(kafka_bootstrap, REQUESTS_LOGGED, owner="notifications"))
    env = {
        "MO_KAFKA_BOOTSTRAP": kafka_bootstrap,
        "MO_NOTIFICATIONS_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'n.db'}",
        "MO_NOTIFICATIONS_CONSUMER_GROUP": group,
        "MO_NOTIFICATIONS_SMS_URL": f"http://127.0.0.1:{port}/sms",
        "MO_NOTIFICATIONS_OUTBOX_DIR": str(tmp_path / "outbox"),  # e-mails: no mail server here
        "MO_NOTIFICATIONS_QUIET_HOURS": "off",
        "MO_NOTIFICATIONS_SMS_PER_SECOND": "0",
        "MO_NOTIFICATIONS_SMS_TIMEOUT_SECONDS": "5",
        "MO_NOTIFICATIONS_DISPATCH_CONCURRENCY": str(CONCURRENCY),
    }
    notifications = ServiceProcess("notifications", env, tmp_path / "notifications.log")
    try:
        assert wait_until_ok(f"http://127.0.0.1:{port}/healthz", 30)
        notifications.start()
        events = [logged_event() for _ in range(COUNT)]
        asyncio.run(
            publish_raw(kafka_bootstrap, REQUESTS_LOGGED, [(e.key, e.to_bytes()) for e in events])
        )
        deadline = time.monotonic() + 120
        while len(lines(sms)) < COUNT // 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(lines(sms)) >= COUNT // 3, "the dispatcher never got going"
        notifications.kill()  # mid-sending: some handed to the gateway, not yet recorded
        at_kill = len(lines(sms))
        notifications.start()
        deadline = time.monotonic() + 180
        while len(lines(sms)) < COUNT and time.monotonic() < deadline:
            time.sleep(0.2)
        # Those in flight at the kill go again once their lease ends (about a minute here).
        deadline = time.monotonic() + 120
        while unsent(tmp_path / "n.db") and time.monotonic() < deadline:
            time.sleep(0.5)
        metrics = httpx.get(f"{notifications.url}/metrics").text
    finally:
        notifications.stop()
        gateway.terminate()
        gateway.wait(10)
    texted = {json.loads(line)["reference"] for line in lines(sms)}
    repeats = len(lines(sms.with_suffix(".repeats")))
    print(
        f"gateway delay {gateway_delay} s: {len(texted)} residents texted, {at_kill} sent "
        f"before the kill, {repeats} repeated keys (at most {CONCURRENCY})"
    )
    assert texted == {e.key.decode() for e in events}
    assert repeats <= CONCURRENCY
    # Every repeat was claimed and not recorded when the process died (a round: two waves
    # of sends), and the restart counted them.
    [gauge] = [m for m in metrics.splitlines() if m.startswith("mo_notifications_in_flight_at")]
    in_flight = float(gauge.split()[-1])
    print(f"in flight at the restart: {in_flight:.0f}")
    assert repeats <= in_flight <= 2 * CONCURRENCY
    said = "were claimed and not recorded when a dispatcher" in notifications.log.read_text()
    assert said == (in_flight > 0)
