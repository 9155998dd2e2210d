"""Notifications' store: the only place residents' contact details live (contacts,
subscriptions, opt-outs), every delivery with its state, and the outbox and inbox."""

from __future__ import annotations

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
)

from shared.inbox import define_inbox
from shared.outbox import define_outbox

metadata = MetaData()
outbox = define_outbox(metadata)
inbox = define_inbox(metadata)

contacts = Table(
    "contacts",
    metadata,
    Column("reference", String(10), primary_key=True),
    Column("phone", String(16)),
    Column("email", String(254)),
    Column("language", String(2), nullable=False),
    Column("updates_by", String(5), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
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
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("community_key", "channel", "address", name="uq_subscription"),
)

opt_outs = Table(
    "opt_outs",
    metadata,
    Column("phone", String(16), primary_key=True),
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
    Column("next_attempt_at", DateTime(timezone=True)),
    Column("last_error", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("sent_at", DateTime(timezone=True)),
    UniqueConstraint("event_id", "channel", "address", name="uq_delivery"),
    Index("ix_deliveries_due", "status", "next_attempt_at"),
    Index("ix_deliveries_subject", "subject"),
)


class Status:
    AWAITING_CONTACT = "awaiting_contact"
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    SUPPRESSED = "suppressed"  # opted out (STOP) before it could be sent
