"""The database each service owns: SQLite by default, PostgreSQL in production and CI.

`Database.transaction()` is the unit of work: everything inside commits together or not at
all, and listeners (the outbox relay) are woken after each commit.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager, nullcontext
from dataclasses import fields
from datetime import UTC, datetime
from enum import EnumType
from functools import cache
from pathlib import Path
from types import NoneType, UnionType
from typing import TYPE_CHECKING, Any, TypeVar, Union, get_args, get_origin, get_type_hints

from sqlalchemy import Connection, Dialect, MetaData, Table, event, insert, inspect, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from shared.migrations import UnknownRevision, bring_up_to_date

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

__all__ = ["Database", "as_utc", "find_row", "from_row", "insert_rows", "upsert_insert"]

_Record = TypeVar("_Record", bound="DataclassInstance")


class Database:
    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        parsed = make_url(url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        if self.is_sqlite:
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            self.engine: AsyncEngine = create_async_engine(
                url, connect_args={"timeout": 30}, hide_parameters=True
            )
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        else:
            self.engine = create_async_engine(
                url,
                pool_size=pool_size,
                max_overflow=pool_size,
                pool_pre_ping=True,
                hide_parameters=True,
            )
        # hide_parameters: an error's message (and so every log line that carries it) never
        # holds a statement's values, which may be a resident's phone number or address.
        # SQLite allows one writer: queueing writers here beats SQLITE_BUSY retries.
        self._write_lock: asyncio.Lock | None = asyncio.Lock() if self.is_sqlite else None
        self._on_commit: list[Callable[[], None]] = []

    def on_commit(self, listener: Callable[[], None]) -> None:
        self._on_commit.append(listener)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        """One unit of work. On SQLite, writers queue for the single write lock."""
        async with self._write_lock or nullcontext(), self.engine.begin() as conn:
            yield conn
        for listener in self._on_commit:
            listener()

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncConnection]:
        async with self.engine.connect() as conn:
            yield conn

    async def create_schema(self, metadata: MetaData) -> None:
        """Bring the store up to date: a service's tables through its migrations
        (shared/migrations.py: an empty store made at once, an older one upgraded with every
        row kept, a newer one refused), other tables (tests') created when missing. A table
        that still lacks a column afterwards is refused in one clear line at start, rather
        than a 500 on the first request."""
        service = metadata.info.get("service")
        async with self.engine.begin() as conn:
            if service is None:
                await conn.run_sync(metadata.create_all)
            else:
                try:
                    await conn.run_sync(bring_up_to_date, metadata, service)
                except UnknownRevision as newer:
                    raise SystemExit(str(newer)) from None
            stale = await conn.run_sync(_missing_columns, metadata)
        if stale:
            url = self.engine.url.render_as_string(hide_password=True)
            raise SystemExit(
                f"the store {url} lacks {', '.join(stale)}, which no migration adds: it was "
                "made by a version older than the migrations' first revision, or a model "
                "changed without its migration (python -m deploy.migrate revision)"
            )

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()


def _missing_columns(conn: Connection, metadata: MetaData) -> list[str]:
    inspector = inspect(conn)
    tables = set(inspector.get_table_names())
    missing = [table.name for table in metadata.sorted_tables if table.name not in tables]
    for table in metadata.sorted_tables:
        if table.name not in tables:
            continue
        present = {column["name"] for column in inspector.get_columns(table.name)}
        missing += [f"{table.name}.{c.name}" for c in table.columns if c.name not in present]
    return missing


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
    cursor.execute("PRAGMA synchronous=NORMAL")  # with WAL: survives a process crash
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def upsert_insert(conn: AsyncConnection, table: Table) -> Any:
    """The dialect's INSERT, which has `on_conflict_do_nothing()` (SQLite and PostgreSQL)."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


async def insert_rows(
    conn: AsyncConnection, table: Table, rows: Sequence[Mapping[str, Any]]
) -> None:
    """Many rows (each with the same columns) into `table` in one statement, their values
    converted for the driver by the columns' own types, as SQLAlchemy's `insert` would, but
    without its per-row bookkeeping (it builds every row's parameters afresh: a sixth of
    routing's time under load). A value object seen before in the call (a batch's one `now`,
    its one headers document) is converted once. For the hot paths' plain inserts: no column
    defaults are filled in, so every row names every column it sets."""
    if not rows:
        return
    statement, columns, converters = _plain_insert(table, frozenset(rows[0]), conn.dialect)
    converted: list[dict[int, Any]] = [{} for _ in columns]
    await conn.exec_driver_sql(
        statement,
        [
            tuple(
                _converted(row[name], convert, seen)
                for name, convert, seen in zip(columns, converters, converted, strict=True)
            )
            for row in rows
        ],
    )


def _converted(value: Any, convert: Callable[[Any], Any] | None, seen: dict[int, Any]) -> Any:
    if convert is None:
        return value
    # By identity, not equality: the same object converts alike (10:00+02:00 equals 08:00Z,
    # yet SQLite keeps each as written), and every row holds its values for the whole call.
    key = id(value)
    if key not in seen:
        seen[key] = convert(value)
    return seen[key]


@cache
def _plain_insert(
    table: Table, names: frozenset[str], dialect: Dialect
) -> tuple[str, tuple[str, ...], tuple[Callable[[Any], Any] | None, ...]]:
    """The driver's INSERT text for the columns `names` of `table`, the order its parameters
    take them in, and each one's converter."""
    compiled = insert(table).compile(
        dialect=dialect, column_keys=sorted(names), for_executemany=True
    )
    columns = tuple(compiled.positiontup or ())
    if set(columns) != names:
        raise ValueError(f"{table.name}: columns compiled as {columns}, not {sorted(names)}")
    # The converter SQLAlchemy's own insert uses: the dialect's variant of the column's type
    # (JSON on PostgreSQL is not JSON on SQLite), asked once and kept with the statement.
    converters = tuple(
        table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns
    )
    return str(compiled), columns, converters


def as_utc(value: datetime) -> datetime:
    """A stored time as an aware UTC datetime: SQLite hands back naive ones, and everything
    the services write is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


async def find_row(
    conn: AsyncConnection, table: Table, /, *, for_update: bool = False, **key: object
) -> Any | None:
    """The row of `table` whose columns hold `key`'s values (its key: one row at most), or
    None; with `for_update`, locked for the transaction's change."""
    query = select(table).where(*(table.c[name] == value for name, value in key.items()))
    if for_update:
        query = query.with_for_update()
    return (await conn.execute(query)).one_or_none()


def from_row(kind: type[_Record], row: Any, /, **given: object) -> _Record:
    """A `kind` (a dataclass) of `row`: each field is the row's column of its name, read as
    the field's type says (stored text as its enum, a stored time as an aware UTC one, None
    as None where the field may be None), but for the fields `given` sets."""
    readers = _readers(kind)
    values = {
        name: given[name] if name in given else read(getattr(row, name))
        for name, read in readers.items()
    }
    return kind(**values)


@cache
def _readers(kind: type[DataclassInstance]) -> dict[str, Callable[[Any], object]]:
    hints = get_type_hints(kind)
    return {field.name: _reader(hints[field.name]) for field in fields(kind)}


def _reader(hint: Any) -> Callable[[Any], object]:
    """How a stored value becomes a field of type `hint`."""
    kinds = [arg for arg in get_args(hint) if arg is not NoneType]
    if get_origin(hint) in (Union, UnionType) and len(kinds) == 1:
        read = _reader(kinds[0])
        return lambda value: None if value is None else read(value)
    if isinstance(hint, EnumType):
        return hint
    if hint is datetime:
        return as_utc
    return lambda value: value
