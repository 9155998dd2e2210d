"""Residents' privacy requests, as notifications answers them. Notifications is the one store
that knows phone numbers and e-mail addresses, so it finds the resident's requests (their
references go in the answer, for intake and routing) and what it holds:

- access: the requests whose updates go to the identifier (their own or followed), the
  messages sent to it, its subscriptions, whether it said STOP, and who read its details here;
- erasure: those rows deleted or their address and words removed, pending messages
  suppressed; a STOP stays (only its hash is ever kept), so the number still hears nothing;
- correction: the resident's open requests, pending messages, the requests they follow and
  their subscriptions reach the new address.

E-mail addresses are compared whatever their case (`same_address`): rows stored before every
address was normalised where it enters may hold capitals."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Table, delete, func, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.notifications.deliveries.domain import DeliveryStatus
from services.notifications.inbound.store import phone_hashes
from services.notifications.store import (
    audit,
    contacts,
    deliveries,
    erased_identifiers,
    opt_outs,
    same_address,
    subscriptions,
)
from services.notifications.store import followers as followers_table
from shared.contracts.privacy import (
    AccessAnswered,
    AccessRequested,
    CorrectionAnswered,
    CorrectionRequested,
    ErasureAnswered,
    ErasureRequested,
    PrivacyRequest,
)
from shared.identifiers import IdentifierKey
from shared.store import as_utc, upsert_insert

__all__ = ["access", "correct", "erase", "erased_before", "remember"]

SERVICE = "notifications"
_UNSENT = (DeliveryStatus.PENDING.value, DeliveryStatus.AWAITING_CONTACT.value)


def _address(asked: PrivacyRequest) -> str:
    return asked.phone or asked.email or ""


def _contact_matches(asked: PrivacyRequest) -> ColumnElement[bool]:
    c = contacts.c
    return c.phone == asked.phone if asked.phone else same_address(c.email, asked.email or "")


async def _references(conn: AsyncConnection, asked: PrivacyRequest) -> list[str]:
    own = select(contacts.c.reference).where(_contact_matches(asked))
    followed = select(followers_table.c.reference).where(
        same_address(followers_table.c.address, _address(asked))
    )
    found = set(await conn.scalars(own)) | set(await conn.scalars(followed))
    return sorted(found)


async def _count(conn: AsyncConnection, query: Any) -> int:
    return int(
        (await conn.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    )


async def access(
    conn: AsyncConnection, asked: AccessRequested, at: datetime, key: IdentifierKey
) -> AccessAnswered:
    address = _address(asked)
    references = await _references(conn, asked)
    stopped = asked.phone is not None and await _count(
        conn, select(opt_outs).where(opt_outs.c.phone_hash.in_(phone_hashes(key, asked.phone)))
    )
    held = {
        "contact details of requests": await _count(
            conn, select(contacts).where(_contact_matches(asked))
        ),
        "requests followed": await _count(
            conn, select(followers_table).where(same_address(followers_table.c.address, address))
        ),
        "messages": await _count(
            conn, select(deliveries).where(same_address(deliveries.c.address, address))
        ),
        "subscriptions": await _count(
            conn, select(subscriptions).where(same_address(subscriptions.c.address, address))
        ),
        "opt-out (STOP)": int(bool(stopped)),
    }
    looked = await conn.execute(
        select(audit).where(audit.c.subject.in_(references)).order_by(audit.c.id)
    )
    reads = [
        {"at": r.at.isoformat(), "caller": r.caller, "action": r.action, "reason": r.reason}
        for r in looked
    ]
    return AccessAnswered(
        request_id=asked.request_id,
        service=SERVICE,
        references=references,
        held={kind: n for kind, n in held.items() if n},
        audit=reads,
        answered_at=at,
    )


async def erase(
    conn: AsyncConnection, asked: ErasureRequested, at: datetime, key: IdentifierKey
) -> ErasureAnswered:
    """Also remembers the address's keyed hash and `at`: a late event made before this
    erasure does not store the person again (`erased_before`)."""
    address = _address(asked)
    await remember(conn, key, address, at)
    references = await _references(conn, asked)
    d = deliveries.c
    suppressed = await conn.execute(
        update(deliveries)
        .where(same_address(d.address, address), d.status.in_(_UNSENT))
        .values(status=DeliveryStatus.SUPPRESSED.value)
    )
    held = {
        "contact details of requests": (
            await conn.execute(delete(contacts).where(_contact_matches(asked)))
        ).rowcount,
        "requests followed": (
            await conn.execute(
                delete(followers_table).where(same_address(followers_table.c.address, address))
            )
        ).rowcount,
        "messages": (
            await conn.execute(
                update(deliveries)
                .where(same_address(d.address, address))
                .values(address=None, facts={}, last_error=None)
            )
        ).rowcount,
        "unsent messages stopped": suppressed.rowcount,
        "subscriptions": (
            await conn.execute(
                delete(subscriptions).where(same_address(subscriptions.c.address, address))
            )
        ).rowcount,
    }
    return ErasureAnswered(
        request_id=asked.request_id,
        service=SERVICE,
        references=references,
        held=held,
        answered_at=at,
    )


async def correct(
    conn: AsyncConnection, asked: CorrectionRequested, at: datetime, _: IdentifierKey
) -> CorrectionAnswered:
    """Open requests only: a finished one's details are on their way out anyway."""
    old, new = _address(asked), asked.new_phone or asked.new_email or ""
    c = contacts.c
    open_ = sorted(
        await conn.scalars(
            select(c.reference).where(_contact_matches(asked), c.closed_at.is_(None))
        )
    )
    values = {"phone": new} if asked.phone else {"email": new}
    changed = await conn.execute(
        update(contacts).where(_contact_matches(asked), c.closed_at.is_(None)).values(**values)
    )
    moved = await conn.execute(
        update(deliveries)
        .where(same_address(deliveries.c.address, old), deliveries.c.status.in_(_UNSENT))
        .values(address=new)
    )
    return CorrectionAnswered(
        request_id=asked.request_id,
        service=SERVICE,
        references=open_,
        held={
            "contact details of open requests": changed.rowcount,
            "unsent messages": moved.rowcount,
            "requests followed": await _readdress(
                conn, followers_table, ("reference", "channel"), old, new
            ),
            "subscriptions": await _readdress(
                conn, subscriptions, ("community_key", "channel"), old, new
            ),
        },
        answered_at=at,
    )


async def _readdress(
    conn: AsyncConnection, table: Table, row_key: tuple[str, ...], old: str, new: str
) -> int:
    """`old`'s rows of `table` become `new`'s; where `new` has the same row already (the same
    `row_key` columns), `old`'s goes instead. Answers how many rows `old` had."""
    c = table.c
    key = tuple_(*(c[name] for name in row_key))
    held_by_new = select(*(c[name] for name in row_key)).where(c.address == new)
    dropped = await conn.execute(
        delete(table).where(same_address(c.address, old), key.in_(held_by_new))
    )
    moved = await conn.execute(
        update(table).where(same_address(c.address, old)).values(address=new)
    )
    return int(dropped.rowcount or 0) + int(moved.rowcount or 0)


# --- erased addresses ------------------------------------------------------------------------
# Residents' numbers and addresses erased at their request, remembered only as keyed hashes
# (shared/identifiers.py) with when: an event made before the erasure that arrives after it (a
# tablet syncing late, a lagging consumer) must not store the person again. Its request is
# kept, without them.

_ERASED = "erased"


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
