"""The rules' HTTP bodies and views, and a rule as written in the seed file."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from services.routing.rules.domain import Rule
from shared.catalogue import CATEGORY_CODES, DEPARTMENT_SLUGS
from shared.contracts.common import Area, Line, Text
from shared.contracts.routing import Priority

__all__ = ["DepartmentView", "NewRule", "Retirement", "RuleChange", "RuleSpec", "RuleView"]


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
        """A spec and a rule name their fields alike, but for `refer` (a rule's `refer_note`);
        a rule keeps its keywords in a tuple."""
        alike = self.model_dump(include=set(RuleSpec.model_fields) - {"keywords", "refer"})
        return Rule(**alike, keywords=tuple(self.keywords), refer_note=self.refer, id=rule_id)


class DepartmentView(BaseModel):
    slug: str
    name: str
    topic: str = Field(description="The Kafka topic its assignments are published on.")


class RuleView(RuleSpec):
    id: int

    @classmethod
    def from_rule(cls, rule: Rule) -> RuleView:
        alike = asdict(rule)
        alike["refer"] = alike.pop("refer_note")
        alike["id"] = rule.id or 0
        return cls.model_validate(alike)


class RuleChange(BaseModel):
    """One entry of the rules' audit trail."""

    rule_id: int
    action: str = Field(description="seed, create or retire.")
    by: str = Field(description="Who changed it: an operator's team, or the seed file.")
    reason: str
    at: AwareDatetime
    rule: dict[str, Any] = Field(description="The rule as it was.")


class NewRule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rule: RuleSpec
    reason: Text = Field(min_length=3, max_length=500, description="Why: kept in the audit trail.")


class Retirement(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Text = Field(min_length=3, max_length=500)
