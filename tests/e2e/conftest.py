"""The four services as separate processes, on the real broker and PostgreSQL, with an SMS
gateway process; tokens made with the services' own tools."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from deploy.probe import wait_until_ok
from shared.credentials import Role
from shared.topics import (
    REQUESTS_LOGGED,
    REQUESTS_REOPEN,
    REQUESTS_ROUTED,
    REQUESTS_STATUS,
    VISITS,
)
from tests.conftest import ROOT, _postgres_url, drop_database
from tests.support.kafka import fresh_group
from tests.support.notifications import INBOUND_SECRET
from tests.support.processes import ServiceProcess, free_port
from tests.support.tokens import issue_everywhere

SERVICES = ("intake", "routing", "notifications", "scheduling")
CONSUMES = {
    "intake": (REQUESTS_ROUTED, REQUESTS_STATUS, VISITS),
    "routing": (REQUESTS_LOGGED, REQUESTS_REOPEN),
    "notifications": (REQUESTS_LOGGED, REQUESTS_ROUTED, REQUESTS_STATUS, VISITS),
    "scheduling": (REQUESTS_ROUTED, REQUESTS_STATUS),
}


@dataclass
class System:
    kafka: str
    processes: dict[str, ServiceProcess]
    databases: dict[str, str]
    sms_file: Path
    agent_token: str
    team_tokens: dict[str, str] = field(default_factory=dict)
    extra: list[ServiceProcess] = field(default_factory=list)

    def url(self, service: str) -> str:
        return self.processes[service].url

    def sms(self) -> list[dict[str, Any]]:
        if not self.sms_file.is_file():
            return []
        return [json.loads(line) for line in self.sms_file.read_text().splitlines() if line]

    def team(self, team: str) -> str:
        if team not in self.team_tokens:
            self.team_tokens[team] = asyncio.run(
                issue_everywhere(self.databases, team, _role(team))
            )
        return self.team_tokens[team]

    def replica(self, service: str, log: Path) -> ServiceProcess:
        """Another process of `service` on the same store and consumer group."""
        process = ServiceProcess(service, dict(self.processes[service].env), log)
        process.env[f"MO_{service.upper()}_PORT"] = str(process.port)
        self.extra.append(process)
        return process


def _role(team: str) -> Role:
    return Role.OPERATOR if team == "operators" else Role.DEPARTMENT


async def _databases(base: str) -> dict[str, str]:
    admin = await asyncpg.connect(
        base.replace("postgresql+asyncpg://", "postgresql://") + "/postgres"
    )
    names = {s: f"e2e_{s}_{uuid.uuid4().hex[:8]}" for s in SERVICES}
    try:
        for name in names.values():
            await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return {s: f"{base}/{n}" for s, n in names.items()}


async def _drop(base: str, urls: dict[str, str]) -> None:
    admin = await asyncpg.connect(
        base.replace("postgresql+asyncpg://", "postgresql://") + "/postgres"
    )
    try:
        for url in urls.values():
            await drop_database(admin, url.rsplit("/", 1)[1])
    finally:
        await admin.close()


@pytest.fixture(scope="module")
def system(
    kafka_bootstrap: str, s3_server: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[System]:
    """As in production: attachments in the S3-compatible store, intake writing, routing
    reading, with the same master keys (tests/support/processes.py gives both)."""
    store = {
        f"MO_{service}_ATTACHMENTS_{name}": s3_server[key]
        for service in ("INTAKE", "ROUTING")
        for name, key in (
            ("BUCKET", "bucket"),
            ("ENDPOINT", "endpoint"),
            ("ACCESS_KEY_ID", "access_key_id"),
            ("SECRET_ACCESS_KEY", "secret_access_key"),
        )
    }
    with running_system(kafka_bootstrap, tmp_path_factory.mktemp("e2e"), store) as system:
        yield system


@contextmanager
def running_system(
    bootstrap: str, work: Path, extra_env: dict[str, str] | None = None
) -> Iterator[System]:
    """The four services as processes on `bootstrap` (one broker or a cluster's three), each
    with a PostgreSQL database of its own, and the SMS gateway; all stopped and dropped after."""
    base = _postgres_url()
    if base is None:
        pytest.fail("end-to-end tests need PostgreSQL: `make test` sets it up")
    databases = asyncio.run(_databases(base))
    sms_file = work / "sms.jsonl"
    gateway_port = free_port()
    gateway = subprocess.Popen(
        [sys.executable, "-m", "tests.support.gateway_process", str(gateway_port), str(sms_file)],
        cwd=ROOT,
    )
    processes: dict[str, ServiceProcess] = {}
    extra: list[ServiceProcess] = []
    try:
        _wait(f"http://127.0.0.1:{gateway_port}/healthz")
        for service in SERVICES:
            group = asyncio.run(fresh_group(bootstrap, *CONSUMES[service], owner=service))
            env = {
                "MO_KAFKA_BOOTSTRAP": bootstrap,
                f"MO_{service.upper()}_DATABASE_URL": databases[service],
                f"MO_{service.upper()}_CONSUMER_GROUP": group,
                f"MO_{service.upper()}_OUTBOX_SWEEP_SECONDS": "0.5",
                "MO_NOTIFICATIONS_SMS_URL": f"http://127.0.0.1:{gateway_port}/sms",
                "MO_NOTIFICATIONS_QUIET_HOURS": "off",
                "MO_NOTIFICATIONS_SMS_PER_SECOND": "0",  # load, not the pace (unit-tested)
                "MO_NOTIFICATIONS_INBOUND_SECRET": INBOUND_SECRET,
                "MO_NOTIFICATIONS_OUTBOX_DIR": str(work / "outbox"),
                **(extra_env or {}),
            }
            processes[service] = ServiceProcess(service, env, work / f"{service}.log")
        _introduce(processes)
        for process in processes.values():
            process.start()
        for service in SERVICES:
            _wait(f"{processes[service].url}/readyz", timeout=60)
        agent = asyncio.run(issue_everywhere(databases, "e2e-agent", Role.FIELD_AGENT))
        yield System(bootstrap, processes, databases, sms_file, agent, extra=extra)
    finally:
        for process in [*processes.values(), *extra]:
            process.stop()
        gateway.terminate()
        gateway.wait(10)
        asyncio.run(_drop(base, databases))


def _introduce(processes: dict[str, ServiceProcess]) -> None:
    """Each process learns the others' addresses (their ports are chosen before any starts):
    intake's visits page links to scheduling's calendar and posts to notifications' form door;
    notifications' messages link to intake's pages and to its own subscription links."""
    url = {service: process.url for service, process in processes.items()}
    processes["intake"].env |= {
        "MO_INTAKE_NOTIFICATIONS_URL": url["notifications"],
        "MO_INTAKE_SCHEDULING_URL": url["scheduling"],
    }
    processes["notifications"].env |= {
        "MO_NOTIFICATIONS_PUBLIC_BASE_URL": url["intake"],
        "MO_NOTIFICATIONS_PUBLIC_URL": url["notifications"],
    }


def _wait(url: str, timeout: float = 30.0) -> None:
    assert wait_until_ok(url, timeout), f"{url} not ready after {timeout:.0f}s"
