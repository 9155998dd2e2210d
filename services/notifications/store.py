"""Notifications' tables: the only place residents' contact details live (contacts,
subscriptions, followers, opt-outs), every delivery with its state, erased addresses (hashed),
and the outbox and inbox. Each feature's queries are in its own store.py."""

from __future__ import annotations

from typing import TypeAlias

from sqlalchemy import (
    JSON,
    Column,
    ColumnElement,
    Date,
    DateTime,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
    func,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.audit import define_audit
from shared.tables import Tables, keys_seen

Conn: TypeAlias = AsyncConnection
"""A connection inside a unit of work's transaction, as the features' stores take it."""

tables = Tables.define("notifications")
metadata, outbox, inbox, credentials = tables
"""The credentials are operators' tokens: their hashes only."""
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
    Column("community", String(100)),  # where the request is: its next visit, for papers
    Column("resolved_at", DateTime(timezone=True)),  # while resolved: NOT FIXED may reopen it
    # While resolved or closed: the retention period of the details runs from here.
    Column("closed_at", DateTime(timezone=True)),
)

visits = Table(
    "visits",
    metadata,
    Column("visit_id", String(64), primary_key=True),
    Column("community_key", String(100), nullable=False),  # case-folded community name
    Column("community", String(100), nullable=False),
    Column("venue", String(200), nullable=False),
    Column("date", Date, nullable=False),
    Column("starts", Time, nullable=False),  # local time of day
    Column("ends", Time, nullable=False),
    Index("ix_visits_community", "community_key", "date"),
)
"""The visits scheduling announced and has not cancelled: where an application's resident
can bring the papers asked for."""

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

# A STOP outlives the resident's erasure: only a keyed hash of the number is kept.
opt_outs = keys_seen(metadata, "opt_outs", key="phone_hash", length=64, at="stopped_at")

deliveries = Table(
    "deliveries",
    metadata,
    Column("id", String(36), primary_key=True),  # also the gateway's idempotency key
    Column("event_id", String(36), nullable=False),
    Column("subject", String(64), nullable=False),  # reference number or visit id
    Column("template", String(20), nullable=False),
    Column("facts", JSON, nullable=False),  # MessageFacts
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


# The gateway's signed replies taken while their timestamp is fresh: a replay is refused
# by every replica and after a restart (inbound/). Kept only as long as a replay could
# pass the freshness check (retention/).
inbound_signatures = keys_seen(
    metadata, "inbound_signatures", key="signature", length=71, at="seen_at"
)

followers = Table(
    "followers",
    metadata,
    # Residents following a request they did not log (followers/store.py).
    Column("reference", String(10), primary_key=True),
    Column("channel", String(5), primary_key=True),
    Column("address", String(254), primary_key=True),  # phone (E.164) or e-mail
    Column("language", String(2), nullable=False),
    Column("joined_at", DateTime(timezone=True), nullable=False),
)

# Addresses erased at the resident's request, as keyed hashes (privacy/store.py).
erased_identifiers = keys_seen(
    metadata, "erased_identifiers", key="identifier_hash", length=64, at="erased_at"
)

# What residents may ask by SMS and USSD (answers/, ussd/): nothing personal, and numbers
# and USSD sessions only as keyed hashes.
request_facts = Table(
    "request_facts",
    metadata,
    Column("reference", String(10), primary_key=True),
    Column("status", String(32), nullable=False),
    Column("department", String(60)),  # slug, once routed
    Column("due_at", DateTime(timezone=True)),  # the service standard's, once routed
    Column("area", String(10)),
    Column("community", String(100)),
    Column("language", String(2), nullable=False),  # the resident's, as logged
    Column("changed_at", DateTime(timezone=True), nullable=False),  # the latest event's time
)
"""A request's public facts, as the bus tells them: what STATUS answers."""

number_languages = Table(
    "number_languages",
    metadata,
    Column("phone_hash", String(64), primary_key=True),
    Column("language", String(2), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
"""The language a number last used (its latest request or subscription, or chose by USSD)."""

answer_counts = Table(
    "answer_counts",
    metadata,
    Column("phone_hash", String(64), nullable=False),
    Column("day", Date, nullable=False),  # Cape Town's day
    Column("answered", Integer, nullable=False),
    PrimaryKeyConstraint("phone_hash", "day", name="pk_answer_counts"),
)
"""Answers sent to a number on a day: at most ANSWERS_PER_DAY, so nobody runs up the bill."""

ussd_sessions = Table(
    "ussd_sessions",
    metadata,
    Column("session_hash", String(64), primary_key=True),
    Column("state", String(120), nullable=False),
    Column("seen", Integer, nullable=False),  # inputs of the session's text already taken
    Column("language", String(2), nullable=False),
    Column("last_seen", DateTime(timezone=True), nullable=False),
)
"""A USSD session's place in the menu, forgotten 180 s after its last screen."""


def same_address(column: ColumnElement[str], address: str) -> ColumnElement[bool]:
    """`column` holds `address`, in whatever case an e-mail address was stored before every
    address was normalised where it enters (`normalise_email`); a phone number is E.164, the
    same either way."""
    return func.lower(column) == address.lower()
