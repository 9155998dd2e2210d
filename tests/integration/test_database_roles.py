"""Each service's PostgreSQL role opens its own database and no other (deploy/postgres/setup.sh
makes them; `make test` runs it); a password is never spliced into SQL (deploy/postgres/init.sh,
docker-compose's first start)."""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import subprocess

import asyncpg
import pytest
from sqlalchemy import make_url

from tests.conftest import ROOT, _postgres_url

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


def _as_postgres(sql: str, **variables: str) -> str:
    """Runs SQL as the cluster's superuser (the way setup.sh does), answering its rows; the
    values come in as psql variables (:'name', :"name")."""
    port = str(make_url(_postgres_url() or "").port or 5432)
    command = [
        "runuser",
        "-u",
        "postgres",
        "--",
        "psql",
        "-p",
        port,
        "-qAt",
        "-v",
        "ON_ERROR_STOP=1",
    ]
    for name, value in variables.items():
        command += ["-v", f"{name}={value}"]
    done = subprocess.run(command, input=sql, check=True, capture_output=True, text=True)
    return done.stdout.strip()


@pytest.mark.skipif(
    _postgres_url() is None or os.geteuid() != 0 or shutil.which("runuser") is None,
    reason="PostgreSQL as its superuser (make test sets it up, as root)",
)
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
            ["runuser", "-u", "postgres", "--", "bash", str(script)],
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
