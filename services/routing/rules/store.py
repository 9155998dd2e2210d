"""The rules' store: the active rules and every change to them, kept with who made it and
why (the audit trail operators read), and the rule book that caches the active ones."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Integer,
    String,
    Table,
    Text,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from services.routing.rules.domain import Change, Rule, RuleAction
from services.routing.store import metadata
from shared.contracts.common import Area
from shared.contracts.routing import Priority
from shared.store import as_utc

__all__ = [
    "RuleBook",
    "active_rules",
    "add_rule",
    "any_rule_changes",
    "retire_rule",
    "rule_changes",
    "rule_history",
    "rules",
]

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
    Column("escalate_after_hours", Integer, nullable=False, default=24),
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
        escalate_after_hours=row.escalate_after_hours,
    )


def rule_values(rule: Rule) -> dict[str, object]:
    return {
        "category": rule.category,
        "area": rule.area.value if rule.area else None,
        "community": rule.community,
        "keywords": list(rule.keywords),
        "department": rule.department,
        "refer_note": rule.refer_note,
        "priority": rule.priority.value,
        "target_hours": rule.target_hours,
        "escalate_after_hours": rule.escalate_after_hours,
    }


async def active_rules(conn: AsyncConnection) -> list[Rule]:
    rows = await conn.execute(select(rules).where(rules.c.active.is_(True)).order_by(rules.c.id))
    return [_rule(r) for r in rows]


async def add_rule(
    conn: AsyncConnection, rule: Rule, action: RuleAction, by: str, reason: str, at: datetime
) -> int:
    result = await conn.execute(
        insert(rules).values(**rule_values(rule), active=True, created_at=at)
    )
    rule_id = result.inserted_primary_key[0]  # type: ignore[index]
    await conn.execute(
        insert(rule_changes).values(
            rule_id=rule_id,
            action=action.value,
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
            action=RuleAction.RETIRE.value,
            changed_by=by,
            reason=reason,
            at=at,
            rule=rule_values(_rule(row)),
        )
    )
    return _rule(row)


async def rule_history(conn: AsyncConnection) -> list[Change]:
    rows = await conn.execute(select(rule_changes).order_by(rule_changes.c.id))
    return [
        Change(r.rule_id, RuleAction(r.action), r.changed_by, r.reason, as_utc(r.at), r.rule)
        for r in rows
    ]


async def any_rule_changes(conn: AsyncConnection) -> bool:
    """Whether rules were ever seeded or changed (an empty table then means all retired)."""
    return bool(await conn.scalar(select(func.count()).select_from(rule_changes)))


class RuleBook:
    """The active rules, read from the store and re-read every `ttl` seconds so a rule changed
    through another replica takes effect here too."""

    def __init__(self, ttl: float = 5.0) -> None:
        self._ttl = ttl
        self._rules: list[Rule] = []
        self._loaded_at = float("-inf")

    async def rules(self, conn: AsyncConnection) -> list[Rule]:
        if time.monotonic() - self._loaded_at > self._ttl:
            self._rules = await active_rules(conn)
            self._loaded_at = time.monotonic()
        return self._rules

    def invalidate(self) -> None:
        self._loaded_at = float("-inf")
