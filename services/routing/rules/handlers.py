"""Routing rules as operators manage them: the seed file loaded into an empty store, and
adding and retiring rules with a reason. Each change drops the cached rule book."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from services.routing.deps import RoutingDeps
from services.routing.rules import store
from services.routing.rules.adapters import load_seed
from services.routing.rules.domain import (
    Change,
    Rule,
    RuleAction,
    RuleConflict,
    RuleError,
    validate_rules,
)
from shared.refusals import NotFound
from shared.use_case import UnitOfWork

__all__ = [
    "ActiveRules",
    "AddRule",
    "RetireRule",
    "RuleHistory",
    "SeedRules",
    "active_rules",
    "add_rule",
    "retire_rule",
    "rule_history",
    "seed_rules",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SeedRules:
    path: Path


@dataclass(frozen=True, slots=True)
class AddRule:
    rule: Rule
    by: str
    reason: str


@dataclass(frozen=True, slots=True)
class RetireRule:
    rule_id: int
    by: str
    reason: str


@dataclass(frozen=True, slots=True)
class ActiveRules:
    """Every active rule, oldest first."""


@dataclass(frozen=True, slots=True)
class RuleHistory:
    """Every change to the rules, oldest first."""


async def seed_rules(command: SeedRules, uow: UnitOfWork, deps: RoutingDeps) -> int:
    """Load the seed file into an empty rules table; an existing table is left alone (rules
    change through the admin API after the first start). Raises RuleError."""
    path, now = command.path, deps.clock()
    async with uow.transaction() as conn:
        existing = await store.active_rules(conn)
        if existing:
            validate_rules(existing)
            return 0
        if await store.any_rule_changes(conn):
            return 0  # every rule was retired on purpose: do not resurrect the seed
        specs = load_seed(path)
        for spec in specs:
            reason = f"seeded from {path.name}"
            await store.add_rule(conn, spec.to_rule(), RuleAction.SEED, "seed", reason, now)
    deps.rulebook.invalidate()
    return len(specs)


async def add_rule(command: AddRule, uow: UnitOfWork, deps: RoutingDeps) -> int:
    async with uow.transaction() as conn:
        existing = await store.active_rules(conn)
        try:
            validate_rules([*existing, command.rule])
        except RuleError as exc:
            raise RuleConflict(f"{exc}: retire the other rule first") from None
        rule_id = await store.add_rule(
            conn, command.rule, RuleAction.CREATE, command.by, command.reason, deps.clock()
        )
    deps.rulebook.invalidate()
    log.info("rule %d added by %s: %s", rule_id, command.by, command.reason)
    return rule_id


async def retire_rule(command: RetireRule, uow: UnitOfWork, deps: RoutingDeps) -> None:
    rule_id, by, reason = command.rule_id, command.by, command.reason
    async with uow.transaction() as conn:
        if await store.retire_rule(conn, rule_id, by, reason, deps.clock()) is None:
            raise NotFound(f"no active rule {rule_id}")
    deps.rulebook.invalidate()
    log.info("rule %d retired by %s: %s", rule_id, by, reason)


async def active_rules(command: ActiveRules, uow: UnitOfWork, deps: RoutingDeps) -> list[Rule]:
    async with uow.reading() as conn:
        return await store.active_rules(conn)


async def rule_history(command: RuleHistory, uow: UnitOfWork, deps: RoutingDeps) -> list[Change]:
    async with uow.reading() as conn:
        return await store.rule_history(conn)
