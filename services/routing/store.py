"""Routing's store: rules and their audit trail, each request's routing and status, team
tokens, outbox and inbox. No resident contact details: routing reads them on
`mo.requests.logged` and keeps only whether the resident may be contacted."""

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
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from services.routing.domain import Rule
from shared.contracts.common import Area, RequestStatus
from shared.contracts.routing import Priority
from shared.inbox import define_inbox
from shared.outbox import define_outbox
from shared.store import as_utc

metadata = MetaData()
outbox = define_outbox(metadata)
inbox = define_inbox(metadata)

rules = Table(
    "rules",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("category", String(40), nullable=False),
    Column("area", String(10)),
    Column("community", String(100)),
    Column("keywords", JSON, nullable=False),
    Column("department", String(60)),
    Column("refer_note", Text),
    Column("priority", String(10), nullable=False),
    Column("target_hours", Integer, nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("retired_at", DateTime(timezone=True)),
)

rule_changes = Table(
    "rule_changes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("rule_id", Integer, nullable=False),
    Column("action", String(10), nullable=False),  # seed, create, retire
    Column("changed_by", String(100), nullable=False),
    Column("reason", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("rule", JSON, nullable=False),
)

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
    Column("rule_id", Integer),
    Column("note", Text),
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

team_tokens = Table(
    "team_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("team", String(60), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
)


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


def _rule(row: Any) -> Rule:
    return Rule(
        id=row.id,
        category=row.category,
        area=Area(row.area) if row.area else None,
        community=row.community,
        keywords=tuple(row.keywords),
        department=row.department,
        refer_note=row.refer_note,
        priority=Priority(row.priority),
        target_hours=row.target_hours,
    )


def rule_values(rule: Rule) -> dict[str, Any]:
    return {
        "category": rule.category,
        "area": rule.area.value if rule.area else None,
        "community": rule.community,
        "keywords": list(rule.keywords),
        "department": rule.department,
        "refer_note": rule.refer_note,
        "priority": rule.priority.value,
        "target_hours": rule.target_hours,
    }


async def active_rules(conn: AsyncConnection) -> list[Rule]:
    rows = await conn.execute(select(rules).where(rules.c.active.is_(True)).order_by(rules.c.id))
    return [_rule(r) for r in rows]


async def add_rule(
    conn: AsyncConnection, rule: Rule, action: str, by: str, reason: str, at: datetime
) -> int:
    result = await conn.execute(
        insert(rules).values(**rule_values(rule), active=True, created_at=at)
    )
    rule_id = result.inserted_primary_key[0]  # type: ignore[index]
    await conn.execute(
        insert(rule_changes).values(
            rule_id=rule_id,
            action=action,
            changed_by=by,
            reason=reason,
            at=at,
            rule=rule_values(rule),
        )
    )
    return int(rule_id)


async def retire_rule(
    conn: AsyncConnection, rule_id: int, by: str, reason: str, at: datetime
) -> Rule | None:
    row = (
        await conn.execute(select(rules).where(rules.c.id == rule_id, rules.c.active.is_(True)))
    ).one_or_none()
    if row is None:
        return None
    await conn.execute(
        update(rules).where(rules.c.id == rule_id).values(active=False, retired_at=at)
    )
    await conn.execute(
        insert(rule_changes).values(
            rule_id=rule_id,
            action="retire",
            changed_by=by,
            reason=reason,
            at=at,
            rule=rule_values(_rule(row)),
        )
    )
    return _rule(row)


async def rule_history(conn: AsyncConnection) -> list[dict[str, Any]]:
    rows = await conn.execute(select(rule_changes).order_by(rule_changes.c.id))
    return [
        {
            "rule_id": r.rule_id,
            "action": r.action,
            "by": r.changed_by,
            "reason": r.reason,
            "at": as_utc(r.at),
            "rule": r.rule,
        }
        for r in rows
    ]


async def find_request(
    conn: AsyncConnection, reference: str, for_update: bool = False
) -> RoutedRequest | None:
    query = select(requests).where(requests.c.reference == reference)
    if for_update:
        query = query.with_for_update()
    row = (await conn.execute(query)).one_or_none()
    return None if row is None else _request(row)


def _request(row: Any) -> RoutedRequest:
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
    )


async def requests_with_status(
    conn: AsyncConnection, status: RequestStatus, limit: int
) -> list[RoutedRequest]:
    rows = await conn.execute(
        select(requests)
        .where(requests.c.status == status.value)
        .order_by(requests.c.logged_at)
        .limit(limit)
    )
    return [_request(r) for r in rows]


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


async def team_for_token_hash(conn: AsyncConnection, token_hash: str) -> tuple[str, bool] | None:
    row = (
        await conn.execute(
            select(team_tokens.c.team, team_tokens.c.revoked_at).where(
                team_tokens.c.token_hash == token_hash
            )
        )
    ).one_or_none()
    return None if row is None else (row.team, row.revoked_at is not None)
