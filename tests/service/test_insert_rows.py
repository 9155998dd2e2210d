"""The hot paths' plain inserts (`insert_rows`) store exactly what SQLAlchemy's own insert
stores, on SQLite and PostgreSQL: times with their offsets, JSON documents and JSON nulls,
bytes, flags; a value repeated across a batch, and equal instants written differently."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    insert,
    select,
)

from shared.store import Database, insert_rows

metadata = MetaData()
things = Table(
    "things",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(20), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("doc", JSON, nullable=False),
    Column("maybe", JSON(none_as_null=True)),
    Column("raw", LargeBinary),
    Column("flag", Boolean, nullable=False),
    Column("count", Integer),
)
NOW = dt.datetime(2026, 12, 6, 8, 0, 0, 123456, tzinfo=dt.UTC)
SAST = dt.timezone(dt.timedelta(hours=2))
ROWS: list[dict[str, Any]] = [
    {  # not in the table's order
        "count": None if n == 2 else n,
        "name": f"thing {n}",
        "at": at,
        "doc": doc,
        "maybe": maybe,
        "raw": raw,
        "flag": n % 2 == 0,
    }
    for n, (at, doc, maybe, raw) in enumerate(
        [
            (NOW, {"a": [1, "é"]}, {"b": None}, b"\x00\xff"),
            (NOW, {"a": [1, "é"]}, None, None),  # the batch's one `now`, again
            (NOW.astimezone(SAST), [], None, b""),  # the same instant, written at +02:00
            (NOW + dt.timedelta(days=1), {}, [1], b"x"),
        ]
    )
]


async def _stored(url: str, plain: bool) -> list[tuple[Any, ...]]:
    db = Database(url)
    await db.create_schema(metadata)
    async with db.transaction() as conn:
        if plain:
            await insert_rows(conn, things, ROWS)
        else:
            await conn.execute(insert(things), ROWS)
    async with db.reading() as conn:
        stored = [tuple(row) for row in await conn.execute(select(things).order_by(things.c.id))]
    await db.dispose()
    return stored


async def test_plain_inserts_store_what_sqlalchemys_insert_stores(make_database: Any) -> None:
    plain = await _stored(await make_database(), plain=True)
    assert plain == await _stored(await make_database(), plain=False)
    assert [row[1] for row in plain] == [f"thing {n}" for n in range(4)]
    assert plain[1][4] is None and plain[0][4] == {"b": None}


async def test_rows_must_name_the_same_columns(tmp_path: Any) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 't.db'}")
    await db.create_schema(metadata)
    with pytest.raises(KeyError):
        async with db.transaction() as conn:
            await insert_rows(conn, things, [ROWS[0], {"name": "short"}])
    await db.dispose()
