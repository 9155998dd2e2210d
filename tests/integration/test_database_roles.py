"""Each service's PostgreSQL role opens its own database and no other (deploy/postgres/setup.sh
makes them; `make test` runs it); a password is never spliced into SQL (deploy/postgres/init.sh,
docker-compose's first start)."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import secrets
import shutil
import subprocess

import asyncpg
import pytest
from prometheus_client import CollectorRegistry
from sqlalchemy import make_url, text
from sqlalchemy.exc import DBAPIError

from services.notifications import store as notifications
from shared.audit import Audit
from shared.audit_chain import verify
from shared.auth import Caller
from shared.credentials import Role
from shared.store import Database
from tests.conftest import ROOT, _postgres_url

pytestmark = pytest.mark.integration

SERVICES = ("intake", "routing", "notifications", "scheduling")


def service_url(service: str) -> str:
    path = ROOT / "var" / "dev" / f"postgres-{service}.url"
    if not path.is_file():
        pytest.fail(f"{path} is missing: `make postgres` makes the services' roles")
    return path.read_text().strip().replace("postgresql+asyncpg://", "postgresql://")


@pytest.mark.skipif(_postgres_url() is None, reason="PostgreSQL only (make test sets it up)")
@pytest.mark.parametrize("service", SERVICES)
async def test_a_services_role_opens_its_own_database_and_no_other(service: str) -> None:
    own = service_url(service)
    conn = await asyncpg.connect(own)
    try:
        assert await conn.fetchval("SELECT current_user") == f"mo_{service}"
    finally:
        await conn.close()
    other = SERVICES[(SERVICES.index(service) + 1) % len(SERVICES)]
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await asyncpg.connect(f"{own.rsplit('/', 1)[0]}/mo_{other}")


def _as_postgres(sql: str, database: str = "postgres", **variables: str) -> str:
    """Runs SQL as the cluster's superuser (the way setup.sh does), answering its rows; the
    values come in as psql variables (:'name', :"name")."""
    port = str(make_url(_postgres_url() or "").port or 5432)
    command = ["runuser", "-u", "postgres", "--", "psql", "-p", port, "-d", database, "-qAt"]
    command += ["-v", "ON_ERROR_STOP=1"]
    for name, value in variables.items():
        command += ["-v", f"{name}={value}"]
    done = subprocess.run(command, input=sql, check=True, capture_output=True, text=True)
    return done.stdout.strip()


AS_SUPERUSER = pytest.mark.skipif(
    _postgres_url() is None or os.geteuid() != 0 or shutil.which("runuser") is None,
    reason="PostgreSQL as its superuser (make test sets it up, as root)",
)


@AS_SUPERUSER
async def test_a_quote_in_a_password_is_part_of_the_password_not_sql() -> None:
    service = f"throwaway_{secrets.token_hex(4)}"
    role, injected = f"mo_{service}", f"mo_injected_{secrets.token_hex(4)}"
    password = f"it's'; CREATE ROLE {injected}; --"
    port = make_url(_postgres_url() or "").port or 5432
    environment = {
        **os.environ,
        "POSTGRES_USER": "postgres",
        "PGPORT": str(port),
        "MO_POSTGRES_SERVICES": service,
        f"MO_POSTGRES_{service.upper()}_PASSWORD": password,
    }
    script = ROOT / "deploy" / "postgres" / "init.sh"
    try:
        made = await asyncio.to_thread(
            subprocess.run,
            # the script on stdin: the checkout may be in a folder the postgres user cannot read
            ["runuser", "-u", "postgres", "--", "bash", "-s"],
            input=script.read_text(),
            env=environment,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert made.returncode == 0, made.stderr
        conn = await asyncpg.connect(
            host="127.0.0.1", port=port, user=role, password=password, database=role
        )
        try:
            assert await conn.fetchval("SELECT current_user") == role
        finally:
            await conn.close()
        found = "SELECT count(*) FROM pg_roles WHERE rolname = :'name'"
        assert _as_postgres(found, name=injected) == "0"
    finally:
        _as_postgres('DROP DATABASE IF EXISTS :"role"', role=role)
        for name in (role, injected):
            _as_postgres('DROP ROLE IF EXISTS :"name"', name=name)


@AS_SUPERUSER
async def test_a_sealed_audit_takes_rows_and_refuses_everything_else_to_the_service() -> None:
    role, password = f"mo_throwaway_{secrets.token_hex(4)}", secrets.token_urlsafe(16)
    port = make_url(_postgres_url() or "").port or 5432
    _as_postgres("CREATE ROLE :\"role\" LOGIN PASSWORD :'pw'", role=role, pw=password)
    _as_postgres('CREATE DATABASE :"role" OWNER :"role"', role=role)
    db = Database(f"postgresql+asyncpg://{role}:{password}@127.0.0.1:{port}/{role}")
    audit = Audit(notifications.audit, CollectorRegistry(), "notifications")
    reader = Caller("operators", Role.OPERATOR)

    async def read_once() -> None:
        async with db.transaction() as conn:
            at = dt.datetime.now(dt.UTC)
            await audit.record(conn, reader, "read messages", "5550199", "asked at the table", at)

    try:
        await db.create_schema(notifications.metadata)  # the service's first start
        await read_once()
        script = (ROOT / "deploy" / "postgres" / "seal_audit.sql").read_text()
        _as_postgres(script, database=role, service=role)
        await db.create_schema(notifications.metadata)  # the next start
        await read_once()
        for attempt in (
            "UPDATE audit SET reason = 'nothing to see'",
            "DELETE FROM audit_seal",
            "TRUNCATE audit_seal",
            "TRUNCATE audit CASCADE",
            "ALTER TABLE audit DISABLE TRIGGER USER",
            "DROP TABLE audit CASCADE",
            "CREATE OR REPLACE FUNCTION audit_refuse() RETURNS trigger "
            "LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'",
        ):
            with pytest.raises(DBAPIError, match=r"permission denied|must be owner"):
                async with db.transaction() as conn:
                    await conn.execute(text(attempt))
        async with db.reading() as conn:
            verdict = await verify(conn, notifications.audit, notifications.audit_seal)
        assert (verdict.rows, verdict.problems) == (2, [])
    finally:
        await db.dispose()
        _as_postgres('DROP DATABASE IF EXISTS :"role"', role=role)
        for name in (role, f"{role}_audit"):
            _as_postgres('DROP ROLE IF EXISTS :"name"', name=name)
