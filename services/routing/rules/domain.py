"""Routing rules, as pure rules: which rule decides a request, which rules contradict each
other, and when a request is due. No I/O and no framework here."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from shared.contracts.common import Area
from shared.contracts.routing import Priority
from shared.refusals import Conflict

__all__ = [
    "Change",
    "Rule",
    "RuleAction",
    "RuleConflict",
    "RuleError",
    "conflicts",
    "decide",
    "due_at",
    "validate_rules",
]


class RuleError(ValueError):
    """A rule (or the set of them) is not usable; the message says which and why."""


class RuleConflict(Conflict):
    """A new rule would contradict an active one; the message says which."""

    code = "conflicting_rule"


class RuleAction(StrEnum):
    """What happened to a rule, in its audit trail."""

    SEED = "seed"  # loaded from the seed file at first start
    CREATE = "create"
    RETIRE = "retire"


@dataclass(frozen=True, slots=True)
class Change:
    """One entry of the rules' audit trail: what was done to which rule, by whom and why."""

    rule_id: int
    action: RuleAction
    by: str
    reason: str
    at: datetime
    rule: dict[str, object]  # the rule as it was


_URGENCY = {Priority.URGENT: 0, Priority.HIGH: 1, Priority.NORMAL: 2, Priority.LOW: 3}


@dataclass(frozen=True, slots=True)
class Rule:
    """Where requests of a category (optionally in an area or community, optionally
    mentioning a keyword) go: a department with a priority and target time, or a referral."""

    category: str
    priority: Priority = Priority.NORMAL
    target_hours: int = 120
    escalate_after_hours: int = 24  # past due this long: the supervisor's daily digest
    department: str | None = None
    refer_note: str | None = None
    area: Area | None = None
    community: str | None = None
    keywords: tuple[str, ...] = ()
    id: int | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if (self.department is None) == (self.refer_note is None):
            raise ValueError("a rule names a department or a referral note, not both or neither")

    @property
    def refers(self) -> bool:
        return self.refer_note is not None

    @property
    def specificity(self) -> int:
        """A community beats an area beats a keyword beats the category alone."""
        return 4 * (self.community is not None) + 2 * (self.area is not None) + bool(self.keywords)

    @property
    def criteria(self) -> tuple[object, ...]:
        community = self.community.casefold() if self.community else None
        keywords = frozenset(k.casefold() for k in self.keywords)
        return (self.category, self.area, community, keywords)

    @property
    def outcome(self) -> tuple[object, ...]:
        return (
            self.department,
            self.refer_note,
            self.priority,
            self.target_hours,
            self.escalate_after_hours,
        )

    def matches(self, category: str, area: Area, community: str, description: str) -> bool:
        if self.category != category:
            return False
        if self.area is not None and self.area != area:
            return False
        if self.community is not None and self.community.casefold() != community.casefold():
            return False
        text = description.casefold()
        return not self.keywords or any(k.casefold() in text for k in self.keywords)


def decide(
    rules: Iterable[Rule], category: str, area: Area, community: str, description: str
) -> Rule | None:
    """The most specific matching rule; among equals the most urgent, then the oldest.
    None when nothing matches: the request waits for an operator, it is never dropped."""
    matching = [r for r in rules if r.matches(category, area, community, description)]
    if not matching:
        return None
    return min(
        matching,
        key=lambda r: (-r.specificity, _URGENCY[r.priority], r.id if r.id is not None else 0),
    )


def conflicts(rules: Sequence[Rule]) -> list[str]:
    """Pairs of rules with the same criteria but different outcomes: a configuration error,
    since neither can be said to win."""
    seen: dict[tuple[object, ...], Rule] = {}
    problems = []
    for rule in rules:
        other = seen.setdefault(rule.criteria, rule)
        if other is not rule and other.outcome != rule.outcome:
            where = ", ".join(
                f"{name}={value}"
                for name, value in (
                    ("category", rule.category),
                    ("area", rule.area),
                    ("community", rule.community),
                    ("keywords", "/".join(rule.keywords) or None),
                )
                if value is not None
            )
            problems.append(f"two rules for {where} disagree: {other.outcome} vs {rule.outcome}")
    return problems


def due_at(logged_at: datetime, rule: Rule) -> datetime:
    return logged_at + timedelta(hours=rule.target_hours)


def validate_rules(rules: list[Rule]) -> None:
    problems = conflicts(rules)
    if problems:
        raise RuleError("; ".join(problems))
