"""Operators' triage, as HTTP bodies and views."""

from __future__ import annotations

from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from services.routing.work.domain import RoutedRequest
from shared.contracts.common import Line, RequestStatus
from shared.contracts.routing import Priority

__all__ = ["Assignment", "TriageItem"]


class Assignment(BaseModel):
    """An operator's triage: which department takes a request no rule matched."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    department: str
    priority: Priority = Priority.NORMAL
    target_hours: int = Field(120, ge=1, le=24 * 90)
    note: Line | None = Field(None, max_length=500)


class TriageItem(BaseModel):
    reference: str
    category: str
    area: str
    community: str
    description: str
    location: dict[str, Any]
    status: RequestStatus
    logged_at: AwareDatetime

    @classmethod
    def from_request(cls, request: RoutedRequest) -> TriageItem:
        return cls.model_validate(request, from_attributes=True)
