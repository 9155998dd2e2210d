"""Contracts of `mo.notifications`: what happened to each message. No addresses or texts."""

from __future__ import annotations

from pydantic import AwareDatetime, Field

from shared.contracts.common import Contract

__all__ = ["NotificationDelivered", "NotificationFailed"]


class NotificationDelivered(Contract):
    """`mobileoffice.notification.delivered.v1`: the channel accepted the message."""

    delivery_id: str = Field(description="The delivery (and its idempotency key).")
    subject: str = Field(description="The reference number or visit id it was about.")
    channel: str = Field(description="sms or email.")
    template: str = Field(description="Which message, e.g. logged or visit_scheduled.")
    language: str = Field(description="en, af or xh.")
    attempts: int = Field(description="How many tries it took.")
    sent_at: AwareDatetime = Field(description="When the channel accepted it.")


class NotificationFailed(Contract):
    """`mobileoffice.notification.failed.v1`: the message could not be sent; given up."""

    delivery_id: str = Field(description="The delivery that failed.")
    subject: str = Field(description="The reference number or visit id it was about.")
    channel: str = Field(description="sms or email.")
    template: str = Field(description="Which message.")
    language: str = Field(description="en, af or xh.")
    attempts: int = Field(description="How many tries were made.")
    reason: str = Field(description="The last error, without personal information.")
    failed_at: AwareDatetime = Field(description="When it was given up.")
