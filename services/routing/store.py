"""Routing's shared tables (each request's routing and status and its history, teams'
credentials, the audit, outbox and inbox) and the queries every feature makes on requests.
A feature's own tables are in its store. No resident contact details: routing keeps only
whether the resident may be contacted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    String,
    Table,
    Text,
    insert,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from services.routing.work.domain import RoutedRequest, Verdict, check_reader
from shared.audit import define_audit
from shared.auth import Caller
from shared.contracts.common import RequestStatus
from shared.contracts.routing import Cause, Priority
from shared.refusals import NotFound
from shared.store import find_row, from_row
from shared.tables import Tables, logged_request_columns

Connection = AsyncConnection
"""The connection of an open transaction, for the helpers of a feature's use cases."""


tables = Tables.define("routing")
metadata, outbox, inbox, credentials = tables
"""The credentials are teams' tokens: the holder is a department's slug, or `operators`."""
audit = define_audit(metadata)
"""Who read residents' descriptions and exact places: work queues, triage (shared/audit.py)."""

requests = Table(
    "routed_requests",
    metadata,
    *logged_request_columns(),
    Column("location", JSON, nullable=False),
    Column("resident_contactable", Boolean, nullable=False),
    Column("status", String(30), nullable=False),
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
    Column("fixed_confirmed_at", DateTime(timezone=True)),  # a resident replied FIXED
    Column("channel", String(20)),  # visit, field-app, open311 (unknown: routed before 0006)
    Column("agent", String(100)),  # the field agent who logged it (an agent's name)
    Column("visit_id", String(40)),  # the Mobile Office visit it was logged at, if any
    Column("h3_cell", String(16)),  # its place's H3 level-7 cell: the figures' heat map
    Column("service", String(60)),  # an application's (intake's catalogue); none for a report
    Column("answers", JSON(none_as_null=True)),  # an application's answers: personal
    Column("papers", JSON(none_as_null=True)),  # its papers seen in person or to be brought
    # An application's verdict: what the resident must still bring, why it was declined and
    # until when it may be appealed, until when an approval holds.
    Column("missing", JSON(none_as_null=True)),
    Column("decline_reason", String(60)),
    Column("appeal_by", Date),
    Column("valid_until", Date),
    Column("logged_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_routed_requests_status", "status"),
    # The work queue's pages: a department's requests in a status, by due, newest, updated.
    Index("ix_routed_requests_queue_due", "department", "status", "due_at"),
    Index("ix_routed_requests_queue_logged", "department", "status", "logged_at"),
    Index("ix_routed_requests_queue_updated", "department", "status", "updated_at"),
)

status_history = Table(
    "status_history",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("reference", String(10), nullable=False),
    Column("status", String(30), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("by", String(100), nullable=False),
    Column("note", Text),
    Index("ix_status_history_reference", "reference"),
)


async def find_request(
    conn: AsyncConnection, reference: str, for_update: bool = False
) -> RoutedRequest | None:
    row = await find_row(conn, requests, for_update=for_update, reference=reference)
    return None if row is None else routed_request(row)


def routed_request(row: Any) -> RoutedRequest:
    return from_row(RoutedRequest, row)


@dataclass(frozen=True, slots=True)
class Routing:
    """Where a request was sent (an operator's hand assignment)."""

    department: str | None
    priority: Priority | None
    due_at: datetime | None
    rule_id: int | None = None


@dataclass(frozen=True, slots=True)
class Ending:
    """Why a request was resolved or closed; all None clears it (a reopened request)."""

    cause: Cause | None = None
    cause_detail: str | None = None
    duplicate_of: str | None = None


async def set_status(
    conn: AsyncConnection,
    reference: str,
    status: RequestStatus,
    at: datetime,
    by: str,
    note: str | None = None,
    *,
    routing: Routing | None = None,
    ending: Ending | None = None,
    verdict: Verdict | None = None,
    reopened_at: datetime | None = None,
) -> None:
    """The request's new status (with its new routing, ending, an application's verdict or
    reopening, when given), and the history's entry for it."""
    values: dict[str, object] = {"status": status.value, "updated_at": at}
    if routing is not None:
        values |= {
            "department": routing.department,
            "priority": routing.priority.value if routing.priority else None,
            "due_at": routing.due_at,
            "rule_id": routing.rule_id,
        }
    if ending is not None:
        values |= {
            "cause": ending.cause.value if ending.cause else None,
            "cause_detail": ending.cause_detail,
            "duplicate_of": ending.duplicate_of,
        }
    if verdict is not None:
        values |= {
            "missing": list(verdict.missing) or None,
            "decline_reason": verdict.decline_reason,
            "valid_until": verdict.valid_until,
            "appeal_by": verdict.appeal_by,
        }
    if reopened_at is not None:
        values["reopened_at"] = reopened_at
    await conn.execute(update(requests).where(requests.c.reference == reference).values(values))
    await conn.execute(
        insert(status_history).values(
            reference=reference, status=status.value, at=at, by=by, note=note
        )
    )


async def locked_request(conn: AsyncConnection, reference: str) -> RoutedRequest:
    """The request, locked for the transaction's change; NotFound when routing has none."""
    request = await find_request(conn, reference, for_update=True)
    if request is None:
        raise NotFound(f"routing has no request {reference}")
    return request


async def request_for(conn: AsyncConnection, reference: str, reader: Caller) -> RoutedRequest:
    """The request as `reader` may read it: NotFound when routing has none by that reference,
    NotTheirs (a 403) when `reader` is neither its department nor an operator."""
    request = await find_request(conn, reference)
    if request is None:
        raise NotFound(f"no request has reference {reference}")
    check_reader(request, reader)
    return request
