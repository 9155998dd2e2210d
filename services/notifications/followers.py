"""Residents who follow a request they did not log: joined by an agent (the same problem,
already reported), or moved there when a department closes their own request as a duplicate.
Each hears the followed request's updates; an address hears each update once."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import Column, DateTime, String, Table, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.notifications.delivery_store import NewDelivery
from services.notifications.domain import Channel, DeliveryStatus
from services.notifications.store import contact_for, metadata
from shared.contracts.common import Language, UpdatesBy
from shared.contracts.requests import ResidentContact
from shared.store import upsert_insert

__all__ = ["Follower", "add", "deliveries_like", "followers", "move"]

followers_table = Table(
    "followers",
    metadata,
    Column("reference", String(10), primary_key=True),
    Column("channel", String(5), primary_key=True),
    Column("address", String(254), primary_key=True),  # phone (E.164) or e-mail
    Column("language", String(2), nullable=False),
    Column("joined_at", DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True, slots=True)
class Follower:
    channel: Channel
    address: str
    language: Language


async def add(
    conn: AsyncConnection, reference: str, resident: ResidentContact, at: datetime
) -> None:
    if resident.updates_by is UpdatesBy.NONE:
        return
    channel = Channel(resident.updates_by.value)
    address = resident.phone if channel is Channel.SMS else resident.email
    if address is None:
        return
    await _insert(conn, reference, [Follower(channel, address, resident.language)], at)


async def followers(conn: AsyncConnection, reference: str) -> list[Follower]:
    table = followers_table
    rows = await conn.execute(select(table).where(table.c.reference == reference))
    return [Follower(Channel(r.channel), r.address, Language(r.language)) for r in rows]


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
    if own is not None and own.channel is not None and own.address is not None:
        everyone.append(Follower(own.channel, own.address, own.language))
    await _insert(conn, to, everyone, at)
    return len(everyone)


async def _insert(conn: AsyncConnection, reference: str, new: list[Follower], at: datetime) -> None:
    if not new:
        return
    rows = [
        {
            "reference": reference,
            "channel": f.channel.value,
            "address": f.address,
            "language": f.language.value,
            "joined_at": at,
        }
        for f in new
    ]
    await conn.execute(upsert_insert(conn, followers_table).on_conflict_do_nothing(), rows)
