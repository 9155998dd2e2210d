"""Reading routing rules from the seed file: each entry checked against the known categories
and departments, so a typo stops routing at start instead of misrouting residents."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from services.routing.domain import Rule, conflicts
from shared.catalogue import CATEGORY_CODES, DEPARTMENTS
from shared.contracts.common import Area, Line
from shared.contracts.routing import Priority

__all__ = ["RuleError", "RuleSpec", "load_seed", "validate_rules"]

DEPARTMENT_SLUGS = frozenset(d.slug for d in DEPARTMENTS)


class RuleError(ValueError):
    """A rule (or the set of them) is not usable; the message says which and why."""


class RuleSpec(BaseModel):
    """One rule as written in the seed file or sent to the admin API."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    category: str = Field(description="Category code.")
    area: Area | None = None
    community: Line | None = Field(None, min_length=1, max_length=100)
    keywords: list[Line] = Field(default_factory=list, max_length=20)
    department: str | None = Field(None, description="Department slug; or give `refer`.")
    refer: Line | None = Field(None, max_length=300, description="Referral note for the resident.")
    priority: Priority = Priority.NORMAL
    target_hours: int = Field(120, ge=0, le=24 * 90)

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
