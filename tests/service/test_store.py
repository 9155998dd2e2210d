"""A store made by an older version is refused at start with one clear line, not used until
the first request fails."""

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import inspect

from services.intake import store
from shared.store import Database


async def test_a_store_missing_columns_is_refused_naming_them(tmp_path: Path) -> None:
    path = tmp_path / "intake.db"
    with sqlite3.connect(path) as old:
        old.execute("CREATE TABLE requests (reference VARCHAR(10) PRIMARY KEY, agent_id INTEGER)")
    db = Database(f"sqlite+aiosqlite:///{path}")
    try:
        with pytest.raises(SystemExit, match=r"could not be brought up to date from revision 0001"):
            await db.create_schema(store.metadata)
    finally:
        await db.dispose()


async def test_a_current_store_is_accepted_again(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'intake.db'}")
    try:
        await db.create_schema(store.metadata)
        await db.create_schema(store.metadata)  # a restart
        async with db.reading() as conn:
            names = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    finally:
        await db.dispose()
    assert {"requests", "credentials", "idempotency_keys", "outbox", "inbox"} <= names
