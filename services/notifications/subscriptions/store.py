"""Who asked to hear of visits to a community, whether they have confirmed it yet, and the
tokens of their e-mail links."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.notifications.channels.domain import Channel
from services.notifications.store import subscriptions
from services.notifications.subscriptions.domain import Subscription, SubscriptionStatus
from shared.contracts.common import Language
from shared.store import find_row, from_row

__all__ = [
    "add",
    "by_address",
    "by_unsubscribe_token",
    "confirm_by_hash",
    "confirm_pending_of",
    "confirmed_in",
    "end_visits_of",
    "find",
    "listing",
    "pending_since",
    "remove",
    "unsubscribe",
    "waiting_for",
]


def _subscription(row: Any) -> Subscription:
    return from_row(Subscription, row)


async def by_address(
    conn: AsyncConnection, community: str, channel: Channel, address: str
) -> Subscription | None:
    row = (
        await conn.execute(
            select(subscriptions).where(
                subscriptions.c.community_key == community.casefold(),
                subscriptions.c.channel == channel.value,
                subscriptions.c.address == address,
            )
        )
    ).one_or_none()
    return None if row is None else _subscription(row)


async def pending_since(conn: AsyncConnection, address: str, since: dt.datetime) -> int:
    count = await conn.scalar(
        select(func.count())
        .select_from(subscriptions)
        .where(
            subscriptions.c.address == address,
            subscriptions.c.status == SubscriptionStatus.PENDING,
            subscriptions.c.created_at > since,
        )
    )
    return int(count or 0)


async def add(
    conn: AsyncConnection,
    community: str,
    channel: Channel,
    address: str,
    language: Language,
    *,
    confirm_hash: str | None,
    unsubscribe_token: str,
    at: dt.datetime,
) -> Subscription:
    """A pending subscription."""
    result = await conn.execute(
        subscriptions.insert().values(
            community_key=community.casefold(),
            community=community,
            channel=channel.value,
            address=address,
            language=language.value,
            status=SubscriptionStatus.PENDING.value,
            confirm_hash=confirm_hash,
            unsubscribe_token=unsubscribe_token,
            created_at=at,
        )
    )
    found = await find(conn, int(result.inserted_primary_key[0]))  # type: ignore[index]
    assert found is not None
    return found


async def find(conn: AsyncConnection, subscription_id: int) -> Subscription | None:
    row = await find_row(conn, subscriptions, id=subscription_id)
    return None if row is None else _subscription(row)


async def confirmed_in(conn: AsyncConnection, community: str) -> list[Subscription]:
    """Who hears of visits to `community`: confirmed subscriptions only."""
    rows = await conn.execute(
        select(subscriptions).where(
            subscriptions.c.community_key == community.casefold(),
            subscriptions.c.status == SubscriptionStatus.CONFIRMED,
        )
    )
    return [_subscription(r) for r in rows]


async def confirm_pending_of(conn: AsyncConnection, phone: str, at: dt.datetime) -> int:
    """A `YES` from `phone`: its pending SMS subscriptions start."""
    which = (subscriptions.c.address == phone, subscriptions.c.channel == Channel.SMS)
    return await _confirm(conn, which, at)


async def confirm_by_hash(conn: AsyncConnection, confirm_hash: str, at: dt.datetime) -> bool:
    """An e-mail's confirmation link, once: the hash is cleared as it is used."""
    which = (subscriptions.c.confirm_hash == confirm_hash,)
    return bool(await _confirm(conn, which, at, confirm_hash=None))


async def _confirm(
    conn: AsyncConnection, which: tuple[ColumnElement[bool], ...], at: dt.datetime, **also: Any
) -> int:
    """The pending subscriptions `which` picks start as of `at` (with `also` set); how many."""
    result = await conn.execute(
        update(subscriptions)
        .where(*which, subscriptions.c.status == SubscriptionStatus.PENDING)
        .values(status=SubscriptionStatus.CONFIRMED, confirmed_at=at, **also)
    )
    return int(result.rowcount or 0)


async def end_visits_of(conn: AsyncConnection, phone: str) -> int:
    """`STOP VISITS` from `phone`: no more visit news, on any community."""
    result = await conn.execute(
        delete(subscriptions).where(
            subscriptions.c.address == phone, subscriptions.c.channel == Channel.SMS
        )
    )
    return int(result.rowcount or 0)


async def unsubscribe(conn: AsyncConnection, token: str) -> bool:
    result = await conn.execute(
        delete(subscriptions).where(subscriptions.c.unsubscribe_token == token)
    )
    return bool(result.rowcount)


async def remove(conn: AsyncConnection, subscription_id: int) -> bool:
    result = await conn.execute(delete(subscriptions).where(subscriptions.c.id == subscription_id))
    return bool(result.rowcount)


async def listing(conn: AsyncConnection, community: str | None) -> list[Subscription]:
    query = select(subscriptions).order_by(subscriptions.c.id)
    if community:
        query = query.where(subscriptions.c.community_key == community.casefold())
    return [_subscription(r) for r in await conn.execute(query)]


async def waiting_for(conn: AsyncConnection, confirm_hash: str) -> Subscription | None:
    """The pending subscription whose e-mail's confirmation link this is (none once used)."""
    row = (
        await conn.execute(
            select(subscriptions).where(
                subscriptions.c.confirm_hash == confirm_hash,
                subscriptions.c.status == SubscriptionStatus.PENDING,
            )
        )
    ).one_or_none()
    return None if row is None else _subscription(row)


async def by_unsubscribe_token(conn: AsyncConnection, token: str) -> Subscription | None:
    row = await find_row(conn, subscriptions, unsubscribe_token=token)
    return None if row is None else _subscription(row)
