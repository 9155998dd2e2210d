"""Visit news is opt-in: a subscription starts pending and the confirmation message is the only
thing it gets until the resident confirms, by replying YES (SMS) or by the single-use link
(e-mail). Every visit e-mail carries an unsubscribe link; STOP VISITS ends the SMS news, STOP
ends everything. So nobody can have a stranger's phone texted about visits."""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path
from typing import Any

import yaml

from services.notifications import delivery_store, subscription_store
from services.notifications.delivery_store import NewDelivery
from services.notifications.domain import Channel, DeliveryStatus, SubscriptionStatus
from services.notifications.handlers import Ports
from services.notifications.messages import MessageFacts
from services.notifications.subscription_store import Subscription
from services.notifications.texts import Template
from shared.contracts.common import Language
from shared.credentials import hash_token
from shared.refusals import Invalid, NotFound
from shared.store import Database

__all__ = [
    "PENDING_PER_DAY",
    "community_names",
    "confirm",
    "remove",
    "subscribe",
    "unsubscribe",
]

PENDING_PER_DAY = 3
"""Pending subscriptions one address may have asked for in a day."""


def community_names(seed: Path) -> frozenset[str]:
    """The communities the Mobile Office visits (case-folded), from the same file scheduling
    seeds its store with."""
    document: Any = yaml.safe_load(seed.read_text())
    return frozenset(
        str(community["name"]).casefold()
        for communities in (document.get("areas") or {}).values()
        for community in communities or ()
    )


async def subscribe(
    db: Database,
    ports: Ports,
    known: frozenset[str],
    community: str,
    channel: Channel,
    address: str,
    language: Language,
) -> None:
    """A pending subscription and its confirmation message. An address already subscribed
    (pending or confirmed), or with PENDING_PER_DAY confirmations waiting, gets nothing new,
    and the caller cannot tell: the answer is the same, so nobody learns who subscribed."""
    if community.casefold() not in known:
        raise Invalid(
            "is not a community the Mobile Office visits: see scheduling's GET /v1/areas",
            field="community",
        )
    now = ports.clock()
    async with db.transaction() as conn:
        if await subscription_store.by_address(conn, community, channel, address) is not None:
            return
        if (
            await subscription_store.pending_since(conn, address, now - dt.timedelta(days=1))
            >= PENDING_PER_DAY
        ):
            return
        confirm_token = secrets.token_urlsafe(24) if channel is Channel.EMAIL else None
        subscription = await subscription_store.add(
            conn,
            {
                "community_key": community.casefold(),
                "community": community,
                "channel": channel.value,
                "address": address,
                "language": language.value,
                "status": SubscriptionStatus.PENDING.value,
                "confirm_hash": hash_token(confirm_token) if confirm_token else None,
                "unsubscribe_token": secrets.token_urlsafe(24),
                "created_at": now,
            },
        )
        await delivery_store.add(conn, [_confirmation(subscription, confirm_token, ports)], now)
    ports.wake()


def _confirmation(subscription: Subscription, token: str | None, ports: Ports) -> NewDelivery:
    base = f"{ports.public_url}/v1/subscriptions"
    facts = MessageFacts(
        community=subscription.community,
        confirm_url=f"{base}/confirm?token={token}" if token else None,
        unsubscribe_url=(
            f"{base}/unsubscribe?token={subscription.unsubscribe_token}" if token else None
        ),
    )
    by_sms = subscription.channel is Channel.SMS
    return NewDelivery(
        event_id=f"subscription-{subscription.id}",
        subject=f"subscription-{subscription.id}",
        template=Template.CONFIRM_BY_SMS if by_sms else Template.CONFIRM_BY_EMAIL,
        facts=facts,
        status=DeliveryStatus.PENDING,
        channel=subscription.channel,
        address=subscription.address,
        language=subscription.language,
    )


async def confirm(db: Database, ports: Ports, token: str, *, act: bool = True) -> Subscription:
    """The subscription an e-mail's confirmation link confirms (once); with `act=False` it
    only looks (the link's page, before the resident presses its button)."""
    async with db.transaction() as conn:
        confirm_hash = hash_token(token)
        subscription = await subscription_store.waiting_for(conn, confirm_hash)
        if subscription is None or (
            act and not await subscription_store.confirm_by_hash(conn, confirm_hash, ports.clock())
        ):
            raise NotFound("no subscription waits for this link: it was used already")
    return subscription


async def unsubscribe(db: Database, token: str, *, act: bool = True) -> Subscription:
    """The subscription an unsubscribe link ends; with `act=False` it only looks."""
    async with db.transaction() as conn:
        subscription = await subscription_store.by_unsubscribe_token(conn, token)
        if subscription is None or (act and not await subscription_store.unsubscribe(conn, token)):
            raise NotFound("no subscription has this link: it has ended already")
    return subscription


async def remove(db: Database, subscription_id: int) -> None:
    async with db.transaction() as conn:
        if not await subscription_store.remove(conn, subscription_id):
            raise NotFound(f"no subscription {subscription_id}")
