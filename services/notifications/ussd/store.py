"""USSD sessions, kept as a keyed hash of the gateway's session id with the menu state, and
visit news the network vouched for (confirmed at once)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.notifications.channels.domain import Channel
from services.notifications.store import subscriptions, ussd_sessions
from services.notifications.subscriptions import store as subscription_store
from services.notifications.subscriptions.domain import SubscriptionStatus
from shared.contracts.common import Language
from shared.identifiers import IdentifierKey
from shared.store import as_utc, find_row, upsert_insert

__all__ = ["Session", "end", "forget_before", "keep", "session", "subscribe_confirmed"]

SESSION = "ussd-session"


@dataclass(frozen=True, slots=True)
class Session:
    key: str  # the keyed hash of the gateway's session id
    state: str
    seen: int
    language: Language
    last_seen: dt.datetime


async def session(conn: AsyncConnection, key: IdentifierKey, session_id: str) -> Session | str:
    """The session kept for `session_id`, or its hash when none is."""
    digest = key.hash(SESSION, session_id)
    row = await find_row(conn, ussd_sessions, for_update=True, session_hash=digest)
    if row is None:
        return digest
    return Session(digest, row.state, row.seen, Language(row.language), as_utc(row.last_seen))


async def keep(conn: AsyncConnection, kept: Session) -> None:
    await conn.execute(delete(ussd_sessions).where(ussd_sessions.c.session_hash == kept.key))
    await conn.execute(
        upsert_insert(conn, ussd_sessions).values(
            session_hash=kept.key,
            state=kept.state,
            seen=kept.seen,
            language=kept.language.value,
            last_seen=kept.last_seen,
        )
    )


async def end(conn: AsyncConnection, digest: str) -> None:
    await conn.execute(delete(ussd_sessions).where(ussd_sessions.c.session_hash == digest))


async def forget_before(conn: AsyncConnection, cutoff: dt.datetime, batch: int) -> int:
    """Retention: sessions not seen since `cutoff` go."""
    old = (
        ussd_sessions.select()
        .with_only_columns(ussd_sessions.c.session_hash)
        .where(ussd_sessions.c.last_seen < cutoff)
        .limit(batch)
    )
    result = await conn.execute(delete(ussd_sessions).where(ussd_sessions.c.session_hash.in_(old)))
    return int(result.rowcount or 0)


async def subscribe_confirmed(
    conn: AsyncConnection,
    community: str,
    phone: str,
    language: Language,
    unsubscribe_token: str,
    at: dt.datetime,
) -> None:
    """Visit news for `community` to `phone`, started now (the network vouches for the
    number); an existing pending one is confirmed, a confirmed one stays."""
    found = await subscription_store.by_address(conn, community, Channel.SMS, phone)
    if found is None:
        found = await subscription_store.add(
            conn,
            community,
            Channel.SMS,
            phone,
            language,
            confirm_hash=None,
            unsubscribe_token=unsubscribe_token,
            at=at,
        )
    if found.status is SubscriptionStatus.PENDING:
        await conn.execute(
            update(subscriptions)
            .where(subscriptions.c.id == found.id)
            .values(status=SubscriptionStatus.CONFIRMED, confirmed_at=at)
        )
