"""Notifications' store: the only place residents' contact details live (contacts,
subscriptions, opt-outs), every delivery with its state, and the outbox and inbox. The
queries on contacts, subscriptions and opt-outs are here; those on deliveries are in
delivery_store.py."""

from __future__ import annotations

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
    func,
    select,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from services.notifications.domain import Channel
from shared.audit import define_audit
from shared.contracts.common import Language, UpdatesBy
from shared.credentials import define_credentials
from shared.identifiers import IdentifierKey, unkeyed_hash
from shared.inbox import define_inbox
from shared.outbox import define_outbox
from shared.store import upsert_insert

_OPT_OUT = "opt-out"

metadata = MetaData(info={"service": "notifications"})  # its migrations: shared/migrations.py
outbox = define_outbox(metadata)
inbox = define_inbox(metadata)
credentials = define_credentials(metadata)
"""Operators' tokens: their hashes only."""
audit = define_audit(metadata)
"""Who read residents' details, when and why (shared/audit.py)."""
audit_seal = metadata.tables["audit_seal"]
"""Each audit row's place in the audit's hash chain (shared/audit_chain.py)."""

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
    # A STOP outlives the resident's erasure: only a keyed hash of the number is kept.
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


inbound_signatures = Table(
    "inbound_signatures",
    metadata,
    # The gateway's signed replies taken while their timestamp is fresh: a replay is refused
    # by every replica and after a restart (inbound.py). Kept only as long as a replay could
    # pass the freshness check (retention.py).
    Column("signature", String(71), primary_key=True),
    Column("seen_at", DateTime(timezone=True), nullable=False),
)


# --- contacts and subscriptions -------------------------------------------------------------


def same_address(column: Any, address: str) -> Any:
    """`column` holds `address`, in whatever case an e-mail address was stored before every
    address was normalised where it enters (`normalise_email`); a phone number is E.164, the
    same either way."""
    return func.lower(column) == address.lower()


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
