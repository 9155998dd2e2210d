"""Who may call a service: bearer tokens held by a field agent, a department's team or the
operators. A token is shown once and stored only as a hash; a holder may have several (a
second tablet) and every one can be revoked.

Tokens are 256-bit random strings, so a plain SHA-256 is enough (no salt or slow hash needed:
there is nothing to guess), and finding a token's holder stays a single indexed read.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.store import Database

__all__ = [
    "Holder",
    "define_credentials",
    "ensure",
    "hash_token",
    "holder_of",
    "holders",
    "issue",
    "revoke",
    "write_secret",
]


@dataclass(frozen=True, slots=True)
class Holder:
    name: str
    revoked: bool


def define_credentials(metadata: MetaData) -> Table:
    return Table(
        "credentials",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("holder", String(100), nullable=False, index=True),
        Column("token_hash", String(64), nullable=False, unique=True),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("revoked_at", DateTime(timezone=True)),
    )


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def holder_of(conn: AsyncConnection, table: Table, token_hash: str) -> Holder | None:
    row = (
        await conn.execute(
            select(table.c.holder, table.c.revoked_at).where(table.c.token_hash == token_hash)
        )
    ).one_or_none()
    return None if row is None else Holder(row.holder, row.revoked_at is not None)


async def issue(db: Database, table: Table, holder: str, *, rotate: bool = False) -> str:
    """A new token for `holder`; with `rotate`, the holder's other tokens stop working."""
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    async with db.transaction() as conn:
        if rotate:
            await _revoke(conn, table, holder, now)
        await conn.execute(
            insert(table).values(holder=holder, token_hash=hash_token(token), created_at=now)
        )
    return token


async def revoke(db: Database, table: Table, holder: str) -> int:
    """Revoke every active token of `holder`; returns how many."""
    async with db.transaction() as conn:
        return await _revoke(conn, table, holder, datetime.now(UTC))


async def _revoke(conn: AsyncConnection, table: Table, holder: str, at: datetime) -> int:
    result = await conn.execute(
        update(table)
        .where(table.c.holder == holder, table.c.revoked_at.is_(None))
        .values(revoked_at=at)
    )
    return int(result.rowcount or 0)


async def holders(db: Database, table: Table) -> list[tuple[str, int]]:
    """Each holder with its number of working tokens (0: all revoked)."""
    async with db.reading() as conn:
        rows = await conn.execute(
            select(table.c.holder, table.c.revoked_at).order_by(table.c.holder)
        )
        active: dict[str, int] = {}
        for row in rows:
            active[row.holder] = active.get(row.holder, 0) + (row.revoked_at is None)
    return list(active.items())


async def ensure(db: Database, table: Table, holder: str, current: str | None) -> str | None:
    """A new token for `holder` unless `current` (what a token file holds) still works
    (development: `make run` keeps one per holder under var/dev/)."""
    if current:
        async with db.reading() as conn:
            found = await holder_of(conn, table, hash_token(current))
        if found == Holder(holder, revoked=False):
            return None
    return await issue(db, table, holder)


def write_secret(path: Path, secret: str) -> None:
    """Write a token to a file only its owner can read."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(secret + "\n")
