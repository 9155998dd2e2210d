"""Routing's pure rules: which rule decides a request, and which status changes are legal.
No I/O and no framework here."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from shared.contracts.common import Area, RequestStatus
from shared.contracts.routing import Cause, Priority

__all__ = [
    "TRANSITIONS",
    "Closure",
    "Rule",
    "RuleAction",
    "closure_refusal",
    "conflicts",
    "decide",
    "due_at",
    "transition_refusal",
]


class RuleAction(StrEnum):
    """What happened to a rule, in its audit trail."""

    SEED = "seed"  # loaded from the seed file at first start
    CREATE = "create"
    RETIRE = "retire"


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


_S = RequestStatus
TRANSITIONS: dict[RequestStatus, frozenset[RequestStatus]] = {
    # Closing at once, with its cause, is for what will not be worked on (a duplicate, not
    # the City's, no further action); work that was done is resolved first.
    _S.ROUTED: frozenset({_S.ACKNOWLEDGED, _S.IN_PROGRESS, _S.RESOLVED, _S.CLOSED, _S.REFERRED}),
    _S.ACKNOWLEDGED: frozenset({_S.IN_PROGRESS, _S.RESOLVED, _S.CLOSED, _S.REFERRED}),
    _S.IN_PROGRESS: frozenset({_S.RESOLVED, _S.CLOSED, _S.REFERRED}),
    _S.RESOLVED: frozenset({_S.CLOSED, _S.IN_PROGRESS}),  # a resident may say it is not fixed
    _S.CLOSED: frozenset(),
    _S.REFERRED: frozenset(),
    _S.LOGGED: frozenset(),
    _S.UNROUTABLE: frozenset(),
}
"""What a department may report next. Reaching `routed` is routing's own doing."""


def transition_refusal(current: RequestStatus, new: RequestStatus) -> str | None:
    """Why `current` cannot become `new`, or None when it can."""
    if new in TRANSITIONS[current]:
        return None
    if current is RequestStatus.UNROUTABLE:
        return "the request is waiting for triage: an operator must assign it first"
    allowed = ", ".join(sorted(s.value for s in TRANSITIONS[current])) or "nothing (final)"
    return f"a request that is {current.value} cannot become {new.value}; it can become {allowed}"


@dataclass(frozen=True, slots=True)
class Closure:
    """Why a request is resolved or closed, as the department reports it."""

    cause: Cause | None = None
    reason: str | None = None  # no-further-action: why not
    responsible: str | None = None  # not-responsible: who is
    duplicate_of: str | None = None  # duplicate: the request it repeats

    @property
    def detail(self) -> str | None:
        return self.reason if self.cause is Cause.NO_FURTHER_ACTION else self.responsible


_ENDINGS = frozenset({RequestStatus.RESOLVED, RequestStatus.CLOSED})
_NEEDS: dict[Cause, tuple[str, str]] = {
    Cause.NO_FURTHER_ACTION: ("reason", "say why no further action will be taken"),
    Cause.NOT_RESPONSIBLE: ("responsible", "say who is responsible, so the resident can go there"),
    Cause.DUPLICATE: ("duplicate_of", "give the reference of the request this one repeats"),
}


def closure_refusal(status: RequestStatus, closure: Closure) -> tuple[str, str] | None:
    """(field, why) when a report's cause does not fit its status, or None when it does:
    resolving or closing needs a cause (and what that cause needs); nothing else takes one."""
    if status not in _ENDINGS:
        if closure.cause is not None:
            return "cause", f"only resolving or closing takes a cause, not {status.value}"
        return None
    if closure.cause is None:
        causes = ", ".join(c.value for c in Cause)
        return "cause", f"is required to {status.value} a request: one of {causes}"
    needed = _NEEDS.get(closure.cause)
    if needed is not None and not getattr(closure, needed[0]):
        return needed[0], f"is required for {closure.cause.value}: {needed[1]}"
    return None
