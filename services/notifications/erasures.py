"""Residents' numbers and addresses erased at their request, remembered only as keyed hashes
(shared/identifiers.py) with when: an event made before the erasure that arrives after it (a
tablet syncing late, a lagging consumer) must not store the person again. Its request is kept,
without them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Column, DateTime, String, Table, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.notifications.store import metadata
from shared.contracts.common import UpdatesBy
from shared.contracts.requests import RequestLogged
from shared.identifiers import IdentifierKey
from shared.store import as_utc, upsert_insert

__all__ = ["erased_before", "named_in", "remember"]

_ERASED = "erased"

erased_identifiers = Table(
    "erased_identifiers",
    metadata,
    Column("identifier_hash", String(64), primary_key=True),
    Column("erased_at", DateTime(timezone=True), nullable=False),
)


def _hash(key: IdentifierKey, address: str) -> str:
    return key.hash(_ERASED, address.lower())


async def remember(conn: AsyncConnection, key: IdentifierKey, address: str, at: datetime) -> None:
    """`address` was erased at `at` (a later erasure of the same address moves the time on)."""
    statement = upsert_insert(conn, erased_identifiers).values(
        identifier_hash=_hash(key, address), erased_at=at
    )
    await conn.execute(
        statement.on_conflict_do_update(index_elements=["identifier_hash"], set_={"erased_at": at})
    )


def named_in(logged: RequestLogged) -> tuple[str, datetime] | None:
    """The address a logged request would store, with when it was logged."""
    resident = logged.resident
    if resident is None:
        return None
    stored = {UpdatesBy.SMS: resident.phone, UpdatesBy.EMAIL: resident.email}
    address = stored.get(resident.updates_by)
    return None if address is None else (address, logged.logged_at)


async def erased_before(
    conn: AsyncConnection, key: IdentifierKey, made: Iterable[tuple[str, datetime]]
) -> set[tuple[str, datetime]]:
    """Which (address, when an event naming it was made) were made at or before the
    address's erasure: what such an event says of the person is not to be stored."""
    wanted = list(made)
    by_hash = {_hash(key, address): address for address, _ in wanted}
    if not by_hash:
        return set()
    query = select(erased_identifiers).where(erased_identifiers.c.identifier_hash.in_(by_hash))
    erased_at = {by_hash[r.identifier_hash]: as_utc(r.erased_at) for r in await conn.execute(query)}
    return {(a, at) for a, at in wanted if a in erased_at and at <= erased_at[a]}
