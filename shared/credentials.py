"""Who may call the services: bearer tokens held by a field agent, a department's team, an
operator (supervisors, the Mobile Office coordinator) or a partner system (a call centre, a
FixMyStreet instance, through Open311), each with its role. A token is shown
once and stored only as a SHA-256 hash, in the store of every service its role uses; it can be
revoked and can expire. A holder may have several (a second tablet).

Tokens are 256-bit random strings, so a plain SHA-256 is enough (no salt or slow hash needed:
there is nothing to guess), and finding a token's holder stays a single indexed read in the
service's own store, which keeps working when the broker is down.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.store import Database, as_utc

__all__ = [
    "Holder",
    "Role",
    "define_credentials",
    "hash_token",
    "holder_of",
    "holders",
    "keep",
    "new_token",
    "revoke",
    "works",
    "write_secret",
]


class Role(StrEnum):
    FIELD_AGENT = "field-agent"
    DEPARTMENT = "department"  # the holder's name is the department's slug
    OPERATOR = "operator"
    PARTNER = "partner"  # another system logging requests through Open311 (a call centre)


@dataclass(frozen=True, slots=True)
class Holder:
    name: str
    role: Role
    revoked: bool
    expires_at: datetime | None
    device: str | None = None  # a field app's device, paired for this agent

    def expired(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now


def define_credentials(metadata: MetaData) -> Table:
    return Table(
        "credentials",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("holder", String(100), nullable=False, index=True),
        Column("role", String(20), nullable=False),
        Column("token_hash", String(64), nullable=False, unique=True),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("expires_at", DateTime(timezone=True)),
        Column("revoked_at", DateTime(timezone=True)),
    )


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def holder_of(conn: AsyncConnection, table: Table, token_hash: str) -> Holder | None:
    row = (
        await conn.execute(
            select(table.c.holder, table.c.role, table.c.revoked_at, table.c.expires_at).where(
                table.c.token_hash == token_hash
            )
        )
    ).one_or_none()
    if row is None:
        return None
    expires_at = as_utc(row.expires_at) if row.expires_at else None
    return Holder(row.holder, Role(row.role), row.revoked_at is not None, expires_at)


async def keep(
    db: Database,
    table: Table,
    holder: str,
    role: Role,
    token: str,
    *,
    now: datetime,
    rotate: bool = False,
    expires_at: datetime | None = None,
) -> None:
    """Store `token` (its hash) for `holder`, as of `now`; with `rotate`, the holder's other
    tokens stop working."""
    async with db.transaction() as conn:
        if rotate:
            await _revoke(conn, table, holder, now)
        await conn.execute(
            insert(table).values(
                holder=holder,
                role=role.value,
                token_hash=hash_token(token),
                created_at=now,
                expires_at=expires_at,
            )
        )


async def works(
    db: Database, table: Table, token: str, holder: str, role: Role, *, now: datetime
) -> bool:
    """Whether `token` is a working token of `holder` in this role `now`."""
    async with db.reading() as conn:
        found = await holder_of(conn, table, hash_token(token))
    return (
        found is not None
        and (found.name, found.role) == (holder, role)
        and not found.revoked
        and not found.expired(now)
    )


async def revoke(db: Database, table: Table, holder: str, *, now: datetime) -> int:
    """Revoke every active token of `holder` as of `now`; returns how many."""
    async with db.transaction() as conn:
        return await _revoke(conn, table, holder, now)


async def _revoke(conn: AsyncConnection, table: Table, holder: str, at: datetime) -> int:
    result = await conn.execute(
        update(table)
        .where(table.c.holder == holder, table.c.revoked_at.is_(None))
        .values(revoked_at=at)
    )
    return int(result.rowcount or 0)


async def holders(db: Database, table: Table, *, now: datetime) -> dict[tuple[str, Role], int]:
    """Each (holder, role) with its number of working tokens `now` (0: all revoked or
    expired)."""
    async with db.reading() as conn:
        rows = await conn.execute(
            select(table.c.holder, table.c.role, table.c.revoked_at, table.c.expires_at)
        )
        working: dict[tuple[str, Role], int] = {}
        for row in rows:
            usable = row.revoked_at is None and (
                row.expires_at is None or as_utc(row.expires_at) > now
            )
            key = (row.holder, Role(row.role))
            working[key] = working.get(key, 0) + usable
    return working


def write_secret(path: Path, secret: str) -> None:
    """Write a token or key to a file only its owner can read."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(secret + "\n")
