"""Visit news is opt-in: a subscription starts pending and the confirmation message is the only
thing it gets until the resident confirms, by replying YES (SMS) or by the single-use link
(e-mail). Every visit e-mail carries an unsubscribe link; STOP VISITS ends the SMS news, STOP
ends everything. So nobody can have a stranger's phone texted about visits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from services.notifications.channels.domain import Channel
from services.notifications.messages.domain import MessageFacts
from shared.contracts.common import Language

__all__ = ["PENDING_PER_DAY", "Subscription", "SubscriptionStatus", "with_links"]

PENDING_PER_DAY: Final = 3
"""Pending subscriptions one address may have asked for in a day."""


class SubscriptionStatus(StrEnum):
    PENDING = "pending"  # asked for; nothing about visits is sent until the resident confirms
    CONFIRMED = "confirmed"


@dataclass(frozen=True, slots=True)
class Subscription:
    id: int
    community: str
    channel: Channel
    address: str
    language: Language
    status: SubscriptionStatus
    unsubscribe_token: str
    created_at: dt.datetime


def with_links(facts: MessageFacts, subscription: Subscription, public_url: str) -> MessageFacts:
    """A visit e-mail's facts with its subscription's unsubscribe link (an SMS has STOP)."""
    if subscription.channel is not Channel.EMAIL:
        return facts
    url = f"{public_url}/v1/subscriptions/unsubscribe?token={subscription.unsubscribe_token}"
    return facts.model_copy(update={"unsubscribe_url": url})
