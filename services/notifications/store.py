"""Notifications' store: the only place residents' contact details live (contacts,
subscriptions, opt-outs), every delivery with its state, and the outbox and inbox. The
queries on contacts, subscriptions and opt-outs are here; those on deliveries are in
delivery_store.py."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    delete,
    select,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from services.notifications.domain import Channel
from shared.audit import define_audit
from shared.contracts.common import Language, UpdatesBy
from shared.credentials import define_credentials
from shared.inbox import define_inbox
from shared.outbox import define_outbox
from shared.store import upsert_insert

metadata = MetaData(info={"service": "notifications"})  # its migrations: shared/migrations.py
outbox = define_outbox(metadata)
inbox = define_inbox(metadata)
credentials = define_credentials(metadata)
"""Operators' tokens: their hashes only."""
audit = define_audit(metadata)
"""Who read residents' details, when and why (shared/audit.py)."""

contacts = Table(
    "contacts",
    metadata,
    Column("reference", String(10), primary_key=True),
    Column("phone", String(16)),
    Column("email", String(254)),
    Column("language", String(2), nullable=False),
    Column("updates_by", String(5), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("resolved_at", DateTime(timezone=True)),  # while resolved: NOT FIXED may reopen it
    # While resolved or closed: the retention period of the details runs from here.
    Column("closed_at", DateTime(timezone=True)),
)

subscriptions = Table(
    "subscriptions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("community_key", String(100), nullable=False),  # case-folded community name
    Column("community", String(100), nullable=False),
    Column("channel", String(5), nullable=False),
    Column("address", String(254), nullable=False),  # phone (E.164) or e-mail
    Column("language", String(2), nullable=False),
    Column("status", String(10), nullable=False),  # pending until the resident confirms
    Column("confirm_hash", String(64), unique=True),  # e-mail's single-use link, hashed
    Column("unsubscribe_token", String(64), nullable=False, unique=True),  # in every e-mail
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("confirmed_at", DateTime(timezone=True)),
    UniqueConstraint("community_key", "channel", "address", name="uq_subscription"),
)

opt_outs = Table(
    "opt_outs",
    metadata,
    # A STOP outlives the resident's erasure: only a hash of the number is kept (phone_hash).
    Column("phone_hash", String(64), primary_key=True),
    Column("stopped_at", DateTime(timezone=True), nullable=False),
)

deliveries = Table(
    "deliveries",
    metadata,
    Column("id", String(36), primary_key=True),  # also the gateway's idempotency key
    Column("event_id", String(36), nullable=False),
    Column("subject", String(64), nullable=False),  # reference number or visit id
    Column("template", String(20), nullable=False),
    Column("params", JSON, nullable=False),
    # Until the resident's request.logged arrives, a request's update has no channel yet.
    Column("channel", String(5)),
    Column("address", String(254)),
    Column("language", String(2)),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", DateTime(timezone=True)),  # while leased: when the lease ends
    Column("lease_owner", String(36)),  # the dispatcher sending it now (none when not leased)
    Column("first_attempt_at", DateTime(timezone=True)),  # the retry budget counts from it
    Column("last_error", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("sent_at", DateTime(timezone=True)),
    UniqueConstraint("event_id", "channel", "address", name="uq_delivery"),
    Index("ix_deliveries_due", "status", "next_attempt_at"),
    Index("ix_deliveries_subject", "subject"),
)


# --- contacts and subscriptions -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Contact:
    """How a resident wants to hear about one request; `address` is None for no updates."""

    reference: str
    channel: Channel | None
    address: str | None
    language: Language


async def add_contacts(conn: AsyncConnection, rows: list[dict[str, Any]]) -> None:
    await conn.execute(upsert_insert(conn, contacts).on_conflict_do_nothing(), rows)


async def contact_for(conn: AsyncConnection, reference: str) -> Contact | None:
    row = (
        await conn.execute(select(contacts).where(contacts.c.reference == reference))
    ).one_or_none()
    if row is None:
        return None
    if row.updates_by == UpdatesBy.NONE.value:
        return Contact(reference, None, None, Language(row.language))
    channel = Channel(row.updates_by)
    address = row.phone if channel is Channel.SMS else row.email
    return Contact(reference, channel, address, Language(row.language))


def phone_hash(phone: str) -> str:
    return hashlib.sha256(f"mobileoffice opt-out {phone}".encode()).hexdigest()


async def stop(conn: AsyncConnection, phone: str, at: datetime) -> None:
    statement = upsert_insert(conn, opt_outs).values(phone_hash=phone_hash(phone), stopped_at=at)
    await conn.execute(statement.on_conflict_do_nothing())


async def start(conn: AsyncConnection, phone: str) -> None:
    await conn.execute(delete(opt_outs).where(opt_outs.c.phone_hash == phone_hash(phone)))


async def stopped_among(conn: AsyncConnection, phones: list[str]) -> set[str]:
    by_hash = {phone_hash(phone): phone for phone in phones}
    query = select(opt_outs.c.phone_hash).where(opt_outs.c.phone_hash.in_(by_hash))
    return {by_hash[found] for found in await conn.scalars(query)}
