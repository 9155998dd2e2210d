"""Visit subscriptions over HTTP: what a resident asks, what anyone asking hears, and what an
operator sees."""
# No `from __future__ import annotations`: FastAPI resolves the body models at definition.

from typing import Literal, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from services.notifications.channels.domain import mask
from services.notifications.subscriptions import domain
from shared.contracts.common import Email, Language, Line, Phone

__all__ = ["Subscription", "SubscriptionAsked", "SubscriptionView"]


class Subscription(BaseModel):  # what a resident asks for; the stored one: domain.py
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    community: Line = Field(min_length=1, max_length=100)
    phone: Phone | None = None
    email: Email | None = None
    language: Language = Language.EN

    @model_validator(mode="after")
    def _one_address(self) -> Self:
        if (self.phone is None) == (self.email is None):
            raise ValueError("give a phone number or an e-mail address (one of them)")
        return self


class SubscriptionAsked(BaseModel):
    """What anyone asking hears, whatever the address's subscriptions: telling "confirmed"
    from "new" would tell a stranger who subscribed to which community."""

    status: Literal["asked"] = "asked"
    message: str = (
        "If this address may subscribe, a confirmation is on its way: reply YES to the SMS, "
        "or open the e-mail's link. Nothing about visits is sent before that."
    )


class SubscriptionView(BaseModel):
    id: int = Field(description="For an operator's DELETE /v1/subscriptions/{id}.")
    community: str
    channel: str
    to: str | None = Field(description="Masked.")
    status: str = Field(description="pending until the resident confirms, then confirmed.")
    created_at: AwareDatetime

    @classmethod
    def of(cls, subscription: domain.Subscription) -> "SubscriptionView":
        return cls(
            id=subscription.id,
            community=subscription.community,
            channel=subscription.channel.value,
            to=mask(subscription.address),
            status=subscription.status.value,
            created_at=subscription.created_at,
        )
