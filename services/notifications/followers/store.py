"""Residents who follow a request they did not log: joined by an agent (the same problem,
already reported), or moved there when a department closes their own request as a duplicate.
Each hears the followed request's updates; an address hears each update once."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.notifications.channels.domain import Channel
from services.notifications.deliveries.domain import DeliveryStatus, NewDelivery
from services.notifications.store import followers as followers_table
from services.notifications.updates.domain import Contact
from services.notifications.updates.store import contact_for
from shared.contracts.common import Language
from shared.store import upsert_insert

__all__ = ["add", "deliveries_like", "followers", "move"]


async def add(conn: AsyncConnection, followed: str, contact: Contact, at: datetime) -> None:
    """`contact` follows the request `followed` (nothing for one who wants no updates)."""
    await _insert(conn, followed, [contact], at)


async def followers(conn: AsyncConnection, reference: str) -> list[Contact]:
    table = followers_table
    rows = await conn.execute(select(table).where(table.c.reference == reference))
    return [Contact(reference, Channel(r.channel), r.address, Language(r.language)) for r in rows]


async def deliveries_like(conn: AsyncConnection, delivery: NewDelivery) -> list[NewDelivery]:
    """The same message to each follower of its request."""
    return [
        replace(
            delivery,
            status=DeliveryStatus.PENDING,
            channel=f.channel,
            address=f.address,
            language=f.language,
        )
        for f in await followers(conn, delivery.subject)
    ]


async def move(conn: AsyncConnection, closed: str, to: str, at: datetime) -> int:
    """The residents of a request closed as a duplicate (its own and its followers) follow
    the request it repeats; one already following it is not added twice."""
    everyone = await followers(conn, closed)
    own = await contact_for(conn, closed)
    if own is not None:
        everyone.append(own)
    return await _insert(conn, to, everyone, at)


async def _insert(conn: AsyncConnection, reference: str, new: list[Contact], at: datetime) -> int:
    rows = [
        {
            "reference": reference,
            "channel": f.channel.value,
            "address": f.address,
            "language": f.language.value,
            "joined_at": at,
        }
        for f in new
        if f.channel is not None and f.address is not None
    ]
    if rows:
        await conn.execute(upsert_insert(conn, followers_table).on_conflict_do_nothing(), rows)
    return len(rows)
