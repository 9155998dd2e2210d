"""Intake's store, the tables every feature shares: requests and their public history,
idempotency keys, field agents' credentials, the audit, outbox and inbox, and the queries of
requests more than one feature asks. A feature's own tables and queries are in its store.py.

Residents' names, phone numbers and e-mail addresses are deliberately absent: they travel
once, in the `request.logged` event (whose outbox row is deleted once relayed), and only
notifications keeps them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.audit import define_audit
from shared.contracts.common import RequestStatus
from shared.refusals import NotFound
from shared.retention import ResidentDetails
from shared.staff.sessions import define_sessions
from shared.store import as_utc, find_row, from_row
from shared.tables import Tables, logged_request_columns

Connection = AsyncConnection
"""An open transaction (or read) of intake's store, as use cases pass it to store functions."""

tables = Tables.define("intake")
metadata, outbox, inbox, credentials = tables
page_sessions = define_sessions(metadata)
"""People signed in to the service's staff pages (shared/staff/): hashes only."""
"""The credentials are field agents' tokens: the holder is the agent's name."""
audit = define_audit(metadata)
"""Operators' privacy requests, who asked and why (shared/audit.py)."""

requests = Table(
    "requests",
    metadata,
    *logged_request_columns(),
    Column("lat", Float),  # where the device was: to find the same problem nearby
    Column("lon", Float),
    Column("visit_id", String(64)),
    Column("agent", String(100), nullable=False),  # or the partner system, through Open311
    Column("channel", String(20), nullable=False, default="mobile-office"),  # or open311
    Column("privacy_notice_version", String(20)),  # what the resident heard, if they gave details
    Column("service", String(60)),  # an application's service code (GET /v1/services)
    # (its answers are personal: they go to routing in request.logged, as contact details do)
    Column("status", String(30), nullable=False),
    Column("department", String(60)),
    Column("due_at", DateTime(timezone=True)),  # the service standard's, once routed
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    # public/store.py counts each community's requests for every page Open311 answers
    Index("ix_requests_area_community", "area", "community"),
    # Open311's pages read a period's requests newest first (open311/store.py)
    Index("ix_requests_created_at", "created_at"),
)


def without_exact_place(_: Any) -> dict[str, Any]:
    """What a de-identified request keeps of where it was: its area and community only."""
    return {"lat": None, "lon": None}


history = Table(
    "request_history",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("reference", String(10), ForeignKey("requests.reference"), nullable=False),
    Column("status", String(30), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("note", Text),
    Column("cause", String(20)),  # why it was resolved or closed (public)
    Column("cause_detail", Text),  # the reason, or who is responsible
    Column("duplicate_of", String(10)),
    Index("ix_request_history_reference", "reference"),
)

RESIDENT_DETAILS = ResidentDetails(
    requests, without_exact_place, history, history_words=("note", "cause_detail")
)
"""What erasure and the details' retention clear: descriptions, places, history's notes."""

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("agent", String(100), primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("body_sha256", String(64), nullable=False),
    Column("reference", String(10), ForeignKey("requests.reference"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True, slots=True)
class StoredRequest:
    """What a follow-up shows of a request (requests/schemas.py RequestView, less history)."""

    reference: str
    category: str
    status: RequestStatus
    department: str | None
    created_at: datetime
    updated_at: datetime


async def find_request(conn: AsyncConnection, reference: str) -> StoredRequest | None:
    row = await find_row(conn, requests, reference=reference)
    if row is None:
        return None
    return from_row(StoredRequest, row)


async def existing_request(conn: AsyncConnection, reference: str) -> StoredRequest:
    """The request of `reference`, or NotFound (a 404)."""
    found = await find_request(conn, reference)
    if found is None:
        raise NotFound(f"no request has reference {reference}")
    return found


async def request_history(conn: AsyncConnection, reference: str) -> list[dict[str, Any]]:
    """Each step: status, at, note, cause, cause_detail, duplicate_of."""
    columns = ("status", "at", "note", "cause", "cause_detail", "duplicate_of")
    rows = await conn.execute(
        select(*(history.c[name] for name in columns))
        .where(history.c.reference == reference)
        .order_by(history.c.at, history.c.id)
    )
    return [{**r._asdict(), "at": as_utc(r.at)} for r in rows]


@dataclass(frozen=True, slots=True)
class Step:
    """A status reported at `at`, as the request's history keeps it."""

    status: RequestStatus
    at: datetime
    note: str | None = None
    cause: str | None = None  # why it was resolved or closed
    cause_detail: str | None = None
    duplicate_of: str | None = None


@dataclass(frozen=True, slots=True)
class Placed:
    """The department a request was routed to, and its service standard's due time."""

    department: str | None
    due_at: datetime | None


async def apply_status(
    conn: AsyncConnection, reference: str, step: Step, placed: Placed | None = None
) -> bool:
    """Record a status reported at `step.at`. Events from routing's two topics may arrive out
    of order, so the current status only moves forward in time; history keeps every entry.
    False when intake has no such request."""
    if placed is not None and placed.department is not None:
        await conn.execute(
            update(requests)
            .where(requests.c.reference == reference)
            .values(department=placed.department, due_at=placed.due_at)
        )
    await conn.execute(
        update(requests)
        .where(requests.c.reference == reference, requests.c.updated_at <= step.at)
        .values(status=step.status.value, updated_at=step.at)
    )
    exists = await conn.scalar(
        select(requests.c.reference).where(requests.c.reference == reference)
    )
    if exists is None:
        return False
    await conn.execute(
        insert(history).values(
            reference=reference,
            status=step.status.value,
            at=step.at,
            note=step.note,
            cause=step.cause,
            cause_detail=step.cause_detail,
            duplicate_of=step.duplicate_of,
        )
    )
    return True
