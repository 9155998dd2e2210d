"""Scheduling's store: communities and teams (seeded), visits, published months, the open
requests per community it counts from the bus, and the outbox and inbox."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Time,
)

from shared.inbox import define_inbox
from shared.outbox import define_outbox

metadata = MetaData()
outbox = define_outbox(metadata)
inbox = define_inbox(metadata)

communities = Table(
    "communities",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("key", String(100), nullable=False, unique=True),  # case-folded name
    Column("area", String(10), nullable=False),
    Column("venue", String(120), nullable=False),
    Column("starts", Time, nullable=False),
    Column("ends", Time, nullable=False),
    Column("last_visited", Date),  # before this store's own visits
    Column("open_requests", Integer, nullable=False, default=0),
)

teams = Table("teams", metadata, Column("name", String(60), primary_key=True))

visits = Table(
    "visits",
    metadata,
    Column("id", String(140), primary_key=True),
    Column("month", String(7), nullable=False),
    Column("date", Date, nullable=False),
    Column("team", String(60), nullable=False),
    Column("community", String(100), nullable=False),
    Column("area", String(10), nullable=False),
    Column("venue", String(120), nullable=False),
    Column("starts_at", DateTime(timezone=True), nullable=False),
    Column("ends_at", DateTime(timezone=True), nullable=False),
    Column("status", String(10), nullable=False),  # scheduled or cancelled
    Column("reason", Text),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_visits_date", "date"),
)

plans = Table(
    "plans",
    metadata,
    Column("month", String(7), primary_key=True),
    Column("published_at", DateTime(timezone=True), nullable=False),
)

tracked_requests = Table(
    "tracked_requests",
    metadata,
    Column("reference", String(10), primary_key=True),
    Column("community_key", String(100), nullable=False),
    Column("open", Boolean, nullable=False),
)
