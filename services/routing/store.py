"""Routing's store: its tables (rules and their audit trail, each request's routing and
status, teams' credentials, outbox and inbox) and the queries on requests. No resident
contact details: routing keeps only whether the resident may be contacted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from services.routing.decisions import Decision, RequestFacts
from shared.audit import define_audit
from shared.contracts.common import Area, RequestStatus
from shared.contracts.routing import Priority
from shared.credentials import define_credentials
from shared.inbox import define_inbox
from shared.outbox import define_outbox
from shared.refusals import Invalid
from shared.store import as_utc

metadata = MetaData(info={"service": "routing"})  # its migrations: shared/migrations.py
outbox = define_outbox(metadata)
inbox = define_inbox(metadata)
audit = define_audit(metadata)
"""Who read residents' descriptions and exact places: work queues, triage (shared/audit.py)."""

requests = Table(
    "routed_requests",
    metadata,
    Column("reference", String(10), primary_key=True),
    Column("category", String(40), nullable=False),
    Column("area", String(10), nullable=False),
    Column("community", String(100), nullable=False),
    Column("description", Text, nullable=False),
    Column("location", JSON, nullable=False),
    Column("resident_contactable", Boolean, nullable=False),
    Column("status", String(20), nullable=False),
    Column("department", String(60)),
    Column("priority", String(10)),
    Column("due_at", DateTime(timezone=True)),
    Column("overdue_at", DateTime(timezone=True)),  # when routing noticed it passed due_at
    Column("rule_id", Integer),
    Column("note", Text),
    Column("cause", String(20)),  # why it was resolved or closed
    Column("cause_detail", Text),
    Column("duplicate_of", String(10)),
    Column("reopened_at", DateTime(timezone=True)),  # a resident said "not fixed"
    Column("logged_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_routed_requests_status", "status"),
)

status_history = Table(
    "status_history",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("reference", String(10), nullable=False),
    Column("status", String(20), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("by", String(100), nullable=False),
    Column("note", Text),
    Index("ix_status_history_reference", "reference"),
)

credentials = define_credentials(metadata)
"""Teams' tokens: the holder is a department's slug, or `operators`."""


@dataclass(frozen=True, slots=True)
class RoutedRequest:
    reference: str
    category: str
    area: Area
    community: str
    description: str
    location: dict[str, Any]
    resident_contactable: bool
    status: RequestStatus
    department: str | None
    priority: Priority | None
    due_at: datetime | None
    logged_at: datetime
    updated_at: datetime
    reopened_at: datetime | None = None


async def find_request(
    conn: AsyncConnection, reference: str, for_update: bool = False
) -> RoutedRequest | None:
    query = select(requests).where(requests.c.reference == reference)
    if for_update:
        query = query.with_for_update()
    row = (await conn.execute(query)).one_or_none()
    return None if row is None else routed_request(row)


def routed_request(row: Any) -> RoutedRequest:
    return RoutedRequest(
        reference=row.reference,
        category=row.category,
        area=Area(row.area),
        community=row.community,
        description=row.description,
        location=row.location,
        resident_contactable=row.resident_contactable,
        status=RequestStatus(row.status),
        department=row.department,
        priority=Priority(row.priority) if row.priority else None,
        due_at=as_utc(row.due_at) if row.due_at else None,
        logged_at=as_utc(row.logged_at),
        updated_at=as_utc(row.updated_at),
        reopened_at=as_utc(row.reopened_at) if row.reopened_at else None,
    )


def triage_key(request: RoutedRequest) -> list[str]:
    return [request.logged_at.isoformat(), request.reference]  # oldest first


async def requests_with_status(
    conn: AsyncConnection, status: RequestStatus, limit: int, after: list[Any] | None = None
) -> list[RoutedRequest]:
    query = select(requests).where(requests.c.status == status.value)
    if after is not None:
        try:
            logged_at, reference = datetime.fromisoformat(str(after[0])), str(after[1])
        except (IndexError, ValueError):
            raise Invalid("is not a cursor this service gave", "cursor") from None
        query = query.where(
            or_(
                requests.c.logged_at > logged_at,
                and_(requests.c.logged_at == logged_at, requests.c.reference > reference),
            )
        )
    rows = await conn.execute(
        query.order_by(requests.c.logged_at, requests.c.reference).limit(limit)
    )
    return [routed_request(r) for r in rows]


async def set_status(
    conn: AsyncConnection,
    reference: str,
    status: RequestStatus,
    at: datetime,
    by: str,
    note: str | None = None,
    **routing: Any,
) -> None:
    await conn.execute(
        update(requests)
        .where(requests.c.reference == reference)
        .values(status=status.value, updated_at=at, **routing)
    )
    await conn.execute(
        insert(status_history).values(
            reference=reference, status=status.value, at=at, by=by, note=note
        )
    )


async def known_references(conn: AsyncConnection, references: list[str]) -> set[str]:
    """Which of `references` routing has decided already."""
    found = await conn.scalars(
        select(requests.c.reference).where(requests.c.reference.in_(references))
    )
    return set(found)


def decided_row(fact: RequestFacts, made: Decision, now: datetime) -> dict[str, object]:
    """The row of a request routing has just decided."""
    return {
        "reference": fact.reference,
        "category": fact.category,
        "area": fact.area.value,
        "community": fact.community,
        "description": fact.description,
        "location": fact.location.model_dump(mode="json"),
        "resident_contactable": fact.resident_contactable,
        "status": made.status.value,
        "department": made.department,
        "priority": made.priority.value if made.priority else None,
        "due_at": made.due_at,
        "rule_id": made.rule_id,
        "note": made.note,
        "logged_at": fact.logged_at,
        "updated_at": now,
    }


async def insert_decided(
    conn: AsyncConnection, rows: list[dict[str, Any]], history: list[dict[str, Any]]
) -> None:
    """Newly decided requests and their first history entries, a statement per table."""
    if rows:
        await conn.execute(requests.insert(), rows)
        await conn.execute(status_history.insert(), history)


async def count_with_status(conn: AsyncConnection, status: RequestStatus) -> int:
    count = await conn.scalar(
        select(func.count()).select_from(requests).where(requests.c.status == status.value)
    )
    return int(count or 0)
