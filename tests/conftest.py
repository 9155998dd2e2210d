"""Fixtures shared by every test layer: the real broker, and each store on SQLite and PostgreSQL.

The broker: MO_KAFKA_BOOTSTRAP if set (with the MO_KAFKA_* settings of the environment); else
a local KRaft broker of the tests' own on 127.0.0.1:19092, data under var/kafka-test (started
here if `make test` has not already). Its clients authenticate as in production: the tests
themselves as `admin`, each service started as a process as its own principal, under the ACLs
of deploy/kafka/bus_access.py, which the session applies with the topics before any test runs.
PostgreSQL: MO_TEST_POSTGRES_URL (set by `make test` after deploy/postgres/setup.sh), else
var/dev/postgres.url; each test gets a database of its own. The S3-compatible server of
intake's attachments: the tests' own S3Proxy on 127.0.0.1:19000, data under var/s3-test
(deploy/s3proxy; started here if `make test` has not already).
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import asyncpg
import pytest

from deploy.bus_setup import set_up_bus
from deploy.kafka.broker import Broker
from deploy.kafka.principals import client_env
from deploy.s3proxy import S3Proxy
from tests.support.buses import Bus

ROOT = Path(__file__).resolve().parent.parent

if "MO_KAFKA_SECURITY_PROTOCOL" not in os.environ:
    os.environ.update(client_env("admin"))  # before any client reads its settings


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    bootstrap = os.environ.get("MO_KAFKA_BOOTSTRAP")
    if bootstrap is None:
        broker = own_broker()
        broker.start()
        bootstrap = broker.bootstrap
    asyncio.run(set_up_bus(bootstrap))
    yield bootstrap


def own_broker() -> Broker:
    """The tests' own local broker, apart from `make run`'s, so neither sees the other's data."""
    return Broker(ROOT / "var" / "kafka-test", port=19092, controller_port=19093)


@pytest.fixture(scope="session")
def s3_server() -> dict[str, str]:
    """The endpoint, bucket, access key id and secret of the tests' S3-compatible server."""
    server = S3Proxy(ROOT / "var" / "s3-test", port=19000)
    server.start()
    return server.settings()


def _postgres_url() -> str | None:
    if url := os.environ.get("MO_TEST_POSTGRES_URL"):
        return url
    stored = ROOT / "var" / "dev" / "postgres.url"
    return stored.read_text().strip() if stored.is_file() else None


@pytest.fixture(
    params=["memory", pytest.param("kafka", marks=pytest.mark.integration)],
)
def bus(request: pytest.FixtureRequest) -> Bus:
    """A scenario written once runs on FastStream's in-memory broker and on the real one."""
    if request.param == "kafka":
        return Bus("kafka", bootstrap=request.getfixturevalue("kafka_bootstrap"))
    return Bus("memory")


@pytest.fixture(params=["sqlite", "postgresql"])
async def make_database(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[Callable[[], Awaitable[str]]]:
    """Makes fresh, empty stores of one kind: SQLite files, or PostgreSQL databases made for
    this test (and dropped after it)."""
    made: list[str] = []
    base = _postgres_url() if request.param == "postgresql" else None
    if request.param == "postgresql" and base is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not set up: `make test` runs deploy/postgres/setup.sh")
        pytest.skip("PostgreSQL is not set up here: run `make postgres`")
    admin_dsn = (base or "").replace("postgresql+asyncpg://", "postgresql://") + "/postgres"

    async def make() -> str:
        name = f"t_{uuid.uuid4().hex[:16]}"
        if base is None:
            return f"sqlite+aiosqlite:///{tmp_path / name}.db"
        admin = await asyncpg.connect(admin_dsn)
        try:
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()
        made.append(name)
        return f"{base}/{name}"

    yield make
    if made:
        admin = await asyncpg.connect(admin_dsn)
        try:
            for name in made:
                await drop_database(admin, name)
        finally:
            await admin.close()


async def drop_database(admin: asyncpg.Connection, name: str) -> None:
    """DROP ... WITH (FORCE) ends the database's sessions, but not an autovacuum worker that
    happens to be cleaning it (that takes a superuser): wait for the worker, then drop."""
    for attempt in range(20):
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except asyncpg.InsufficientPrivilegeError:
            if attempt == 19:
                raise
            await asyncio.sleep(0.5)


@pytest.fixture
async def database_url(make_database: Callable[[], Awaitable[str]]) -> str:
    """A fresh, empty store: run once on SQLite and once on PostgreSQL."""
    return await make_database()
