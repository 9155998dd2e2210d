"""Routing rules as operators manage them: the seed file (each entry checked against the
known categories and departments, so a typo stops routing at start instead of misrouting
residents), the cached set of active rules, and adding and retiring rules with a reason."""

from __future__ import annotations

import logging
import time
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from sqlalchemy.ext.asyncio import AsyncConnection

from services.routing import rule_store
from services.routing.domain import Rule, RuleAction, conflicts
from shared.catalogue import CATEGORY_CODES, DEPARTMENT_SLUGS
from shared.contracts.common import Area, Line
from shared.contracts.routing import Priority
from shared.refusals import Conflict, NotFound
from shared.store import Database

__all__ = [
    "RuleBook",
    "RuleConflict",
    "RuleError",
    "RuleSpec",
    "active_rules",
    "add_rule",
    "load_seed",
    "retire_rule",
    "rule_history",
    "seed_rules",
    "validate_rules",
]

log = logging.getLogger(__name__)


class RuleError(ValueError):
    """A rule (or the set of them) is not usable; the message says which and why."""


class RuleConflict(Conflict):
    """A new rule would contradict an active one; the message says which."""

    code = "conflicting_rule"


class RuleSpec(BaseModel):
    """One rule as written in the seed file or sent to the admin API."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    category: str = Field(description="Category code.")
    area: Area | None = None
    community: Line | None = Field(None, min_length=1, max_length=100)
    keywords: list[Annotated[Line, Field(min_length=1)]] = Field(
        default_factory=list,
        max_length=20,
        description="Words the description must mention (one of them); never blank, which "
        "would match every description.",
    )
    department: str | None = Field(None, description="Department slug; or give `refer`.")
    refer: Line | None = Field(None, max_length=300, description="Referral note for the resident.")
    priority: Priority = Priority.NORMAL
    target_hours: int = Field(120, ge=1, le=24 * 90)
    escalate_after_hours: int = Field(
        24,
        ge=1,
        le=24 * 30,
        description="Past due this long, the department's supervisor hears in the daily digest.",
    )

    @model_validator(mode="after")
    def _known(self) -> RuleSpec:
        if self.category not in CATEGORY_CODES:
            raise ValueError(f"unknown category {self.category!r}")
        if (self.department is None) == (self.refer is None):
            raise ValueError("give either a department or a refer note")
        if self.department is not None and self.department not in DEPARTMENT_SLUGS:
            raise ValueError(f"unknown department {self.department!r}")
        return self

    def to_rule(self, rule_id: int | None = None) -> Rule:
        return Rule(
            id=rule_id,
            category=self.category,
            area=self.area,
            community=self.community,
            keywords=tuple(self.keywords),
            department=self.department,
            refer_note=self.refer,
            priority=self.priority,
            target_hours=self.target_hours,
            escalate_after_hours=self.escalate_after_hours,
        )


def validate_rules(rules: list[Rule]) -> None:
    problems = conflicts(rules)
    if problems:
        raise RuleError("; ".join(problems))


def load_seed(path: Path) -> list[RuleSpec]:
    try:
        document: Any = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise RuleError(f"{path}: {exc}") from exc
    entries = document.get("rules") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise RuleError(f"{path}: expected a top-level `rules:` list")
    specs = []
    for number, entry in enumerate(entries, start=1):
        try:
            specs.append(RuleSpec.model_validate(entry))
        except ValidationError as exc:
            reasons = "; ".join(e["msg"] for e in exc.errors())
            raise RuleError(f"{path}: rule {number}: {reasons}") from None
    validate_rules([s.to_rule() for s in specs])
    return specs


class RuleBook:
    """The active rules, read from the store and re-read every `ttl` seconds so a rule changed
    through another replica takes effect here too."""

    def __init__(self, ttl: float = 5.0) -> None:
        self._ttl = ttl
        self._rules: list[Rule] = []
        self._loaded_at = float("-inf")

    async def rules(self, conn: AsyncConnection) -> list[Rule]:
        if time.monotonic() - self._loaded_at > self._ttl:
            self._rules = await rule_store.active_rules(conn)
            self._loaded_at = time.monotonic()
        return self._rules

    def invalidate(self) -> None:
        self._loaded_at = float("-inf")


async def seed_rules(db: Database, book: RuleBook, path: Path, now: datetime) -> int:
    """Load the seed file into an empty rules table; an existing table is left alone (rules
    change through the admin API after the first start). Raises RuleError."""
    async with db.transaction() as conn:
        existing = await rule_store.active_rules(conn)
        if existing:
            validate_rules(existing)
            return 0
        if await rule_store.any_rule_changes(conn):
            return 0  # every rule was retired on purpose: do not resurrect the seed
        specs = load_seed(path)
        for spec in specs:
            reason = f"seeded from {path.name}"
            await rule_store.add_rule(conn, spec.to_rule(), RuleAction.SEED, "seed", reason, now)
    book.invalidate()
    return len(specs)


async def add_rule(
    db: Database, book: RuleBook, rule: Rule, by: str, reason: str, now: datetime
) -> int:
    async with db.transaction() as conn:
        existing = await rule_store.active_rules(conn)
        try:
            validate_rules([*existing, rule])
        except RuleError as exc:
            raise RuleConflict(f"{exc}: retire the other rule first") from None
        rule_id = await rule_store.add_rule(conn, rule, RuleAction.CREATE, by, reason, now)
    book.invalidate()
    log.info("rule %d added by %s: %s", rule_id, by, reason)
    return rule_id


async def retire_rule(
    db: Database, book: RuleBook, rule_id: int, by: str, reason: str, now: datetime
) -> None:
    async with db.transaction() as conn:
        if await rule_store.retire_rule(conn, rule_id, by, reason, now) is None:
            raise NotFound(f"no active rule {rule_id}")
    book.invalidate()
    log.info("rule %d retired by %s: %s", rule_id, by, reason)


async def active_rules(db: Database) -> list[Rule]:
    async with db.reading() as conn:
        return await rule_store.active_rules(conn)


async def rule_history(db: Database) -> list[dict[str, Any]]:
    async with db.reading() as conn:
        return await rule_store.rule_history(conn)
