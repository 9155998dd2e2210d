"""Scheduling's tables: communities and teams (seeded), visits, published months, the
requests it follows to count the open ones per community, and the outbox, inbox and
credentials. Each feature's queries are in its own store.py (visits/, plans/, communities/)."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Index,
    String,
    Table,
    Text,
    Time,
    text,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.staff.sessions import define_sessions
from shared.tables import Tables

Connection = AsyncConnection
"""What a unit of work hands a use case: the features' queries take it."""

tables = Tables.define("scheduling")
metadata, outbox, inbox, credentials = tables
page_sessions = define_sessions(metadata)
"""People signed in to the service's staff pages (shared/staff/): hashes only."""
"""The credentials are operators' tokens: their hashes only."""

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
    Column("status", String(10), nullable=False),
    Column("reason", Text),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_visits_date", "date"),
    # One visit per team per day, kept by the store itself: two operators moving visits of
    # one team onto one day at once cannot both succeed.
    Index(
        "uq_visits_team_day",
        "team",
        "date",
        unique=True,
        postgresql_where=text("status = 'scheduled'"),
        sqlite_where=text("status = 'scheduled'"),
    ),
)

plans = Table(
    "plans",
    metadata,
    Column("month", String(7), primary_key=True),
    Column("published_at", DateTime(timezone=True), nullable=False),
)

followed_requests = Table(
    "followed_requests",
    metadata,
    Column("reference", String(10), primary_key=True),
    # Unknown until routing's decision (with the community) arrives: the status topic may
    # bring a department's report first.
    Column("community_key", String(100)),
    Column("open", Boolean, nullable=False),
    Column("as_of", DateTime(timezone=True), nullable=False),  # of the event that set `open`
)
