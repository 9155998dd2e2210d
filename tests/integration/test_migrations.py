"""Each service's migrations, on SQLite and PostgreSQL: a store made by the code of the last
commit before migrations (its DDL, tests/support/before_migrations/), one row in every table,
is upgraded in place at start with every row kept; the migrations alone make what the models
describe (alembic check finds nothing); a newer store is refused; a downgrade and an upgrade
keep the rows."""

from __future__ import annotations

import datetime as dt
import importlib
import sqlite3
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Connection, MetaData, column, inspect, select, table
from sqlalchemy.exc import DBAPIError

from shared.migrations import BASELINE, migrations_config, version_table
from shared.store import Database
from tests.conftest import ROOT

pytestmark = pytest.mark.integration

SERVICES = ("intake", "routing", "notifications", "scheduling")
BEFORE = Path(__file__).resolve().parents[1] / "support" / "before_migrations"
Rows = dict[str, list[tuple[Any, ...]]]


def metadata_of(service: str) -> MetaData:
    importlib.import_module(f"services.{service}.app")  # every module's tables
    found: MetaData = importlib.import_module(f"services.{service}.store").metadata
    return found


def sample(column: Any) -> Any:
    """One value of the column's type; equal for a key and the column it refers to."""
    kind = column.type.python_type
    values: dict[type, Any] = {
        bool: True,
        int: 7,
        float: 1.5,
        bytes: b"kept",
        dict: {"kept": True},
        object: {"kept": True},  # JSON as reflected
        dt.datetime: dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC),
        dt.date: dt.date(2026, 11, 2),
        dt.time: dt.time(9, 30),
    }
    if kind is str:
        return "7" * min(getattr(column.type, "length", None) or 10, 10)
    return values[kind]


def fill_every_table(conn: Connection) -> Rows:
    reflected = MetaData()
    reflected.reflect(conn)
    for made in reflected.sorted_tables:
        conn.execute(made.insert().values({c.name: sample(c) for c in made.columns}))
    return rows_of(conn, [t.name for t in reflected.sorted_tables])


def rows_of(conn: Connection, tables: list[str]) -> Rows:
    reflected = MetaData()
    reflected.reflect(conn, only=tables)
    return {
        name: [tuple(row) for row in conn.execute(select(reflected.tables[name]))]
        for name in tables
    }


def as_before(rows: Rows, before: Rows) -> Rows:
    """`rows` in the columns the store had before: a revision may add columns at the end
    (empty in the rows that were there), but every value that was there is kept."""
    return {name: [row[: len(before[name][0])] for row in found] for name, found in rows.items()}


async def before_migrations(db: Database, service: str) -> Rows:
    """The store as the last commit before migrations made it, one row in every table."""
    dialect = "sqlite" if db.is_sqlite else "postgresql"
    script = (BEFORE / f"{service}.{dialect}.sql").read_text()
    async with db.engine.begin() as conn:
        for statement in script.split("\n;;\n"):
            if statement.strip():
                await conn.exec_driver_sql(statement)
        return await conn.run_sync(fill_every_table)


async def revision(db: Database, service: str) -> str:
    async with db.reading() as conn:
        return str(await conn.scalar(select(versions(service).c.version_num)))


@pytest.mark.parametrize("service", SERVICES)
async def test_a_store_from_before_migrations_upgrades_with_every_row(
    make_database: Callable[[], Awaitable[str]], service: str
) -> None:
    db = Database(await make_database())
    try:
        before = await before_migrations(db, service)
        assert all(before.values()), "every table holds a row"
        await db.create_schema(metadata_of(service))
        await db.create_schema(metadata_of(service))  # a restart changes nothing
        async with db.reading() as conn:
            after = await conn.run_sync(rows_of, list(before))
            tables = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
        head = migrations_head(service)
        assert as_before(after, before) == before
        assert set(metadata_of(service).tables) <= tables
        assert await revision(db, service) == head

        # A rollback to the first revision and back keeps what the first revision held.
        async with db.engine.begin() as conn:
            await conn.run_sync(lambda sync: command.downgrade(config(sync, service), BASELINE))
            await conn.run_sync(lambda sync: command.upgrade(config(sync, service), "head"))
            again = await conn.run_sync(rows_of, list(before))
        assert as_before(again, before) == before
    finally:
        await db.dispose()


@pytest.mark.parametrize("service", SERVICES)
async def test_the_migrations_alone_make_what_the_models_describe(
    make_database: Callable[[], Awaitable[str]], service: str
) -> None:
    db = Database(await make_database())
    metadata_of(service)
    try:
        async with db.engine.begin() as conn:
            await conn.run_sync(lambda sync: command.upgrade(config(sync, service), "head"))
            # alembic check: autogenerate finds nothing to add, drop or change.
            await conn.run_sync(lambda sync: command.check(config(sync, service)))
    finally:
        await db.dispose()


async def test_a_store_a_newer_version_wrote_is_refused(
    make_database: Callable[[], Awaitable[str]],
) -> None:
    db = Database(await make_database())
    try:
        await db.create_schema(metadata_of("routing"))
        async with db.engine.begin() as conn:
            await conn.execute(versions("routing").update().values(version_num="9999"))
        with pytest.raises(SystemExit, match="revision 9999, which this version does not know"):
            await db.create_schema(metadata_of("routing"))
    finally:
        await db.dispose()


def versions(service: str) -> Any:
    return table(version_table(service), column("version_num"))


def config(conn: Connection, service: str) -> Any:
    return migrations_config(service, conn)


def migrations_head(service: str) -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(migrations_config(service)).get_current_head()
    assert head is not None
    return head


@pytest.mark.parametrize("service", ["intake", "routing", "notifications"])
async def test_an_upgraded_store_keeps_its_audit_append_only(
    make_database: Callable[[], Awaitable[str]], service: str
) -> None:
    db = Database(await make_database())
    try:
        await before_migrations(db, service)  # routing's had no audit then
        await db.create_schema(metadata_of(service))
        async with db.engine.begin() as conn:
            await conn.exec_driver_sql(
                "INSERT INTO audit (id, at, caller, role, action, subject, reason) VALUES "
                "(1001, '2026-12-01 09:00:00', 'o', 'operator', 'read', 'r', 'a reason')"
            )
            await conn.exec_driver_sql("INSERT INTO audit_seal VALUES (1001, 1, 'digest')")
        wipes = ["UPDATE audit SET reason = 'rewritten'", "DELETE FROM audit_seal"]
        if db.is_sqlite:
            wipes += [
                "INSERT OR REPLACE INTO audit_seal VALUES (1001, 0, 'forged')",
                "INSERT OR REPLACE INTO audit (id, at, caller, role, action, subject, reason) "
                "VALUES (1001, '2026-12-01', 'x', 'operator', 'read', 'r', 'forged')",
            ]
        else:
            wipes += ["TRUNCATE audit_seal", "TRUNCATE audit CASCADE"]
        for wipe in wipes:
            with pytest.raises(DBAPIError, match="append-only"):
                async with db.engine.begin() as conn:
                    await conn.exec_driver_sql(wipe)
    finally:
        await db.dispose()


def test_a_store_first_opened_by_a_tool_is_whole(tmp_path: Path) -> None:
    """deploy/credentials.py imports only each service's store.py: the store it opens first
    must still hold every table the service needs (make up opened the stores so)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'intake.db'}"
    tool = (
        "import asyncio, sys; from services.intake import store; from shared.store import "
        "Database; asyncio.run(Database(sys.argv[1]).create_schema(store.metadata))"
    )
    subprocess.run([sys.executable, "-c", tool, url], cwd=ROOT, check=True)
    with sqlite3.connect(tmp_path / "intake.db") as made:
        tables = {name for (name,) in made.execute("SELECT name FROM sqlite_master")}
    assert set(metadata_of("intake").tables) <= tables


async def test_routing_0006_gives_the_requests_routed_before_it_a_channel(
    make_database: Callable[[], Awaitable[str]],
) -> None:
    """Requests routed before channels were recorded stay, with channel `unknown` (routing
    never knew how they came) and nobody's confirmation that they were fixed."""
    db = Database(await make_database())
    try:
        async with db.engine.begin() as conn:
            await conn.run_sync(lambda sync: command.upgrade(config(sync, "routing"), "0005"))
            row = await conn.run_sync(_one_routed_request)
            await conn.run_sync(lambda sync: command.upgrade(config(sync, "routing"), "head"))
            found: Any = (
                await conn.execute(
                    select(
                        column("reference"), column("channel"), column("fixed_confirmed_at")
                    ).select_from(table("routed_requests"))
                )
            ).all()
        assert "channel" not in row and "fixed_confirmed_at" not in row
        assert [tuple(r) for r in found] == [(row["reference"], "unknown", None)]
    finally:
        await db.dispose()


def _one_routed_request(conn: Connection) -> dict[str, Any]:
    reflected = MetaData()
    reflected.reflect(conn, only=["routed_requests"])
    made = reflected.tables["routed_requests"]
    row = {c.name: sample(c) for c in made.columns}
    conn.execute(made.insert().values(row))
    return row


async def test_routing_0007_gives_the_requests_routed_before_it_their_heat_cell(
    make_database: Callable[[], Awaitable[str]],
) -> None:
    """A request routed before 0007 gets the H3 level-7 cell of the point routing kept, for
    the figures' heat map; one with no point gets none; who logged them stays unknown."""
    import h3

    db = Database(await make_database())
    place = {"area": "east", "community": "Khayelitsha", "lat": -34.04, "lon": 18.67}
    try:
        async with db.engine.begin() as conn:
            await conn.run_sync(lambda sync: command.upgrade(config(sync, "routing"), "0006"))
            with_point = await conn.run_sync(lambda sync: _routed_at(sync, "1000000001", place))
            without = await conn.run_sync(
                lambda sync: _routed_at(sync, "1000000002", {"area": "east", "community": "X"})
            )
            await conn.run_sync(lambda sync: command.upgrade(config(sync, "routing"), "head"))
            found: Any = (
                await conn.execute(
                    select(column("reference"), column("h3_cell"), column("agent"))
                    .select_from(table("routed_requests"))
                    .order_by(column("reference"))
                )
            ).all()
        assert [tuple(r) for r in found] == [
            (with_point, h3.latlng_to_cell(-34.04, 18.67, 7), None),
            (without, None, None),
        ]
    finally:
        await db.dispose()


def _routed_at(conn: Connection, reference: str, location: dict[str, Any]) -> str:
    reflected = MetaData()
    reflected.reflect(conn, only=["routed_requests"])
    made = reflected.tables["routed_requests"]
    row = {c.name: sample(c) for c in made.columns} | {
        "reference": reference,
        "location": location,
    }
    conn.execute(made.insert().values(row))
    return reference
