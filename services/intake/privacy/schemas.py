"""What operators send and read of residents' privacy requests, and the notice."""

from __future__ import annotations

from typing import Any, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from shared.audit import REASON_MAX, AuditReason
from shared.contracts.common import Email, Phone
from shared.contracts.privacy import PrivacyKind

__all__ = ["Notice", "PrivacyAsk", "PrivacyAsked", "PrivacyView"]


class PrivacyAsk(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: PrivacyKind
    phone: Phone | None = None
    email: Email | None = Field(None, max_length=254)
    reason: AuditReason = Field(
        min_length=5, max_length=REASON_MAX, description="Kept in the audit, forever."
    )
    new_phone: Phone | None = None
    new_email: Email | None = Field(None, max_length=254)

    @model_validator(mode="after")
    def _identifiers(self) -> Self:
        if (self.phone is None) == (self.email is None):
            raise ValueError("give the resident's phone or email (one of them)")
        if self.kind is not PrivacyKind.CORRECTION:
            if self.new_phone or self.new_email:
                raise ValueError("new_phone and new_email belong to a correction")
        elif self.phone and not self.new_phone:
            raise ValueError("a correction of a phone number needs new_phone")
        elif self.email and not self.new_email:
            raise ValueError("a correction of an e-mail address needs new_email")
        return self


class Notice(BaseModel):
    version: str
    text: dict[str, str] = Field(description="In en, af and xh.")


class PrivacyAsked(BaseModel):
    id: str
    status: str = "pending"


class PrivacyView(BaseModel):
    id: str
    kind: PrivacyKind
    status: str = Field(description="`pending` until every service expected has answered.")
    asked_at: AwareDatetime
    answers: dict[str, dict[str, Any]] = Field(description="Each service's answer.")
    waiting_for: list[str] = Field(description="Services that have not answered yet.")
