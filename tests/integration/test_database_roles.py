"""Each service's PostgreSQL role opens its own database and no other (deploy/postgres/setup.sh
makes them; `make test` runs it)."""

from __future__ import annotations

import asyncpg
import pytest

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
