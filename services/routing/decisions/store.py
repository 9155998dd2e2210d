"""The decisions' store: writing newly decided requests a statement per table, and the
triage list (requests in one status, oldest first)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.routing.decisions.domain import Decision, RequestFacts
from services.routing.store import requests, routed_request, status_history
from services.routing.work.domain import RoutedRequest
from shared.contracts.common import RequestStatus
from shared.refusals import Invalid
from shared.store import insert_rows

__all__ = [
    "count_with_status",
    "decided_row",
    "insert_decided",
    "known_references",
    "requests_with_status",
    "triage_key",
]


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
        "service": fact.service,
        "answers": fact.answers,
        "papers": fact.papers,
        "channel": fact.channel or "unknown",
        "agent": fact.agent,
        "visit_id": fact.visit_id,
        "h3_cell": fact.cell,
    }


async def insert_decided(
    conn: AsyncConnection, rows: list[dict[str, object]], history: list[dict[str, object]]
) -> None:
    """Newly decided requests and their first history entries, a statement per table."""
    await insert_rows(conn, requests, rows)
    await insert_rows(conn, status_history, history)


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


async def count_with_status(conn: AsyncConnection, status: RequestStatus) -> int:
    count = await conn.scalar(
        select(func.count()).select_from(requests).where(requests.c.status == status.value)
    )
    return int(count or 0)
