"""The gateway's signatures taken once, and the numbers that said STOP (kept only as keyed
hashes: a STOP outlives the resident's erasure)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.notifications.store import inbound_signatures, opt_outs
from shared.identifiers import IdentifierKey, unkeyed_hash
from shared.store import upsert_insert

__all__ = ["phone_hashes", "start", "stop", "stopped_among", "take_once"]

_OPT_OUT = "opt-out"


async def take_once(conn: AsyncConnection, signed: str, now: datetime) -> bool:
    """Remembers `signed`; False if any replica took it already (the primary key decides,
    so two replicas taking it at once cannot both succeed)."""
    taken = await conn.execute(
        upsert_insert(conn, inbound_signatures)
        .values(signature=signed, seen_at=now)
        .on_conflict_do_nothing()
    )
    return bool(taken.rowcount)


def phone_hashes(key: IdentifierKey, phone: str) -> tuple[str, str]:
    """A STOP's keyed hash, and the plain one STOPs made before the key have: both are
    honoured, since those older rows cannot be rehashed (only the hash was ever kept)."""
    return key.hash(_OPT_OUT, phone), unkeyed_hash(_OPT_OUT, phone)


async def stop(conn: AsyncConnection, key: IdentifierKey, phone: str, at: datetime) -> None:
    keyed, unkeyed = phone_hashes(key, phone)
    statement = upsert_insert(conn, opt_outs).values(phone_hash=keyed, stopped_at=at)
    await conn.execute(statement.on_conflict_do_nothing())
    await conn.execute(delete(opt_outs).where(opt_outs.c.phone_hash == unkeyed))


async def start(conn: AsyncConnection, key: IdentifierKey, phone: str) -> None:
    await conn.execute(delete(opt_outs).where(opt_outs.c.phone_hash.in_(phone_hashes(key, phone))))


async def stopped_among(conn: AsyncConnection, key: IdentifierKey, phones: list[str]) -> set[str]:
    by_hash = {digest: phone for phone in phones for digest in phone_hashes(key, phone)}
    query = select(opt_outs.c.phone_hash).where(opt_outs.c.phone_hash.in_(by_hash))
    return {by_hash[found] for found in await conn.scalars(query)}
