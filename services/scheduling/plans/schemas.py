"""A month's plan as HTTP asks for it and shows it."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator

from services.scheduling.visits.schemas import VisitView

__all__ = ["PlanRequest", "PlanView"]

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class PlanRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    month: str = Field(description="YYYY-MM", examples=["2026-12"])
    force: bool = Field(False, description="Re-plan a published month, announcing differences.")

    @field_validator("month")
    @classmethod
    def _month(cls, value: str) -> str:
        match = _MONTH.match(value)
        if match is None or not 2020 <= int(match.group(1)) <= 2100:
            raise ValueError("must be a month as YYYY-MM, e.g. 2026-12")
        return value

    @property
    def year_and_month(self) -> tuple[int, int]:
        year, month = self.month.split("-")
        return int(year), int(month)


class PlanView(BaseModel):
    month: str
    published: bool
    announced: int
    visits: list[VisitView]
