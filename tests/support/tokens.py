"""Tokens for tests and benchmarks, kept the way deploy/credentials.py keeps them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from sqlalchemy import Table

from shared import credentials
from shared.credentials import Role
from shared.store import Database


async def issue(db: Database, table: Table, holder: str, role: Role) -> str:
    token = credentials.new_token()
    await credentials.keep(db, table, holder, role, token, now=datetime.now(UTC))
    return token


async def issue_everywhere(urls: Mapping[str, str], holder: str, role: Role) -> str:
    """One token in the store of every service (`urls`: service name -> database URL), as
    deploy/credentials.py keeps them."""
    from services.intake import store as intake
    from services.notifications import store as notifications
    from services.routing import store as routing
    from services.scheduling import store as scheduling

    stores = {"intake": intake, "routing": routing, "notifications": notifications}
    stores["scheduling"] = scheduling
    token = credentials.new_token()
    for service, url in urls.items():
        db = Database(url)
        try:
            await db.create_schema(stores[service].metadata)
            await credentials.keep(
                db, stores[service].credentials, holder, role, token, now=datetime.now(UTC)
            )
        finally:
            await db.dispose()
    return token
