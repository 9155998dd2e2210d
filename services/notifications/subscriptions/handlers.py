"""Visit news (domain.py says why it is opt-in): asking for it, confirming it by the e-mail's
link, ending it, an operator's listing and removal; and each visit, moved visit or
cancellation told to every confirmed subscriber of its community."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from services.notifications.answers import store as answers
from services.notifications.channels.domain import Channel
from services.notifications.deliveries import store as delivery_store
from services.notifications.deliveries.domain import DeliveryStatus, NewDelivery
from services.notifications.deps import NotificationsDeps
from services.notifications.messages.domain import MessageFacts
from services.notifications.messages.texts import Template
from services.notifications.subscriptions import store
from services.notifications.subscriptions.domain import (
    PENDING_PER_DAY,
    Subscription,
    with_links,
)
from services.notifications.updates.store import note_visit
from shared.auth import Caller
from shared.clock import CAPE_TOWN
from shared.consumer import AfterCommit, Batch
from shared.contracts.common import Language
from shared.contracts.visits import VisitCancelled, VisitChanged, VisitScheduled
from shared.credentials import hash_token
from shared.refusals import Invalid, NotFound
from shared.use_case import UnitOfWork

__all__ = [
    "Follow",
    "Listing",
    "Remove",
    "Subscribe",
    "follow_link",
    "list_subscriptions",
    "on_visit",
    "remove",
    "subscribe",
]


@dataclass(frozen=True, slots=True)
class Subscribe:
    community: str
    channel: Channel
    address: str
    language: Language


async def subscribe(command: Subscribe, uow: UnitOfWork, deps: NotificationsDeps) -> None:
    """A pending subscription and its confirmation message. An address already subscribed
    (pending or confirmed), or with PENDING_PER_DAY confirmations waiting, gets nothing new,
    and the caller cannot tell: the answer is the same, so nobody learns who subscribed."""
    community, channel, address = command.community, command.channel, command.address
    if community.casefold() not in deps.communities:
        raise Invalid(
            "is not a community the Mobile Office visits: see scheduling's GET /v1/areas",
            field="community",
        )
    now = deps.clock()
    async with uow.transaction() as conn:
        if await store.by_address(conn, community, channel, address) is not None:
            return
        if await store.pending_since(conn, address, now - dt.timedelta(days=1)) >= PENDING_PER_DAY:
            return
        confirm_token = secrets.token_urlsafe(24) if channel is Channel.EMAIL else None
        subscription = await store.add(
            conn,
            community,
            channel,
            address,
            command.language,
            confirm_hash=hash_token(confirm_token) if confirm_token else None,
            unsubscribe_token=secrets.token_urlsafe(24),
            at=now,
        )
        if channel is Channel.SMS:  # the language SMS commands are answered in
            await answers.note_language(conn, deps.identifiers, address, command.language, now)
        confirmation = _confirmation(subscription, confirm_token, deps.public_url)
        await delivery_store.add(conn, [confirmation], now)
    deps.wake()


def _confirmation(subscription: Subscription, token: str | None, public_url: str) -> NewDelivery:
    base = f"{public_url}/v1/subscriptions"
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


@dataclass(frozen=True, slots=True)
class Follow:
    """An e-mail's link followed: `act` False only looks (the link's page, before the
    resident presses its button)."""

    link: Literal["confirm", "unsubscribe"]
    token: str
    act: bool = True


async def follow_link(command: Follow, uow: UnitOfWork, deps: NotificationsDeps) -> Subscription:
    """The subscription a confirmation link confirms (once), or an unsubscribe link ends."""
    async with uow.transaction() as conn:
        if command.link == "confirm":
            confirm_hash = hash_token(command.token)
            subscription = await store.waiting_for(conn, confirm_hash)
            if subscription is None or (
                command.act and not await store.confirm_by_hash(conn, confirm_hash, deps.clock())
            ):
                raise NotFound("no subscription waits for this link: it was used already")
            return subscription
        subscription = await store.by_unsubscribe_token(conn, command.token)
        if subscription is None or (
            command.act and not await store.unsubscribe(conn, command.token)
        ):
            raise NotFound("no subscription has this link: it has ended already")
        return subscription


@dataclass(frozen=True, slots=True)
class Remove:
    subscription_id: int


async def remove(command: Remove, uow: UnitOfWork, deps: NotificationsDeps) -> None:
    """An operator ends a subscription."""
    async with uow.transaction() as conn:
        if not await store.remove(conn, command.subscription_id):
            raise NotFound(f"no subscription {command.subscription_id}")


@dataclass(frozen=True, slots=True)
class Listing:
    """An operator's read of the subscriptions (of one community), audited."""

    caller: Caller
    reason: str
    community: str | None
    page: Callable[[list[Subscription]], list[Subscription]]
    """The page of what was found that the operator reads (and the audit counts)."""


async def list_subscriptions(
    command: Listing, uow: UnitOfWork, deps: NotificationsDeps
) -> list[Subscription]:
    async with uow.transaction() as conn:
        chosen = command.page(await store.listing(conn, command.community))
        subject, now = command.community or "every community", deps.clock()
        await deps.audit.record(
            conn, command.caller, "list subscriptions", subject, command.reason, now, len(chosen)
        )
    return chosen


async def on_visit(
    command: Batch[VisitScheduled | VisitCancelled],
    uow: UnitOfWork,
    deps: NotificationsDeps,
) -> AfterCommit:
    """Every subscriber of the visited community hears of a visit, a move or a cancellation."""
    now = deps.clock()
    async with uow.transaction() as conn:
        for item in command:
            visit = item.data
            await note_visit(conn, visit)  # where residents bring papers asked for
            subscribers = await store.confirmed_in(conn, visit.community)
            template, facts = _visit_news(visit)
            await delivery_store.add(
                conn,
                [
                    NewDelivery(
                        event_id=str(item.event.id),
                        subject=visit.visit_id,
                        template=template,
                        facts=with_links(facts, s, deps.public_url),
                        status=DeliveryStatus.PENDING,
                        channel=s.channel,
                        address=s.address,
                        language=s.language,
                    )
                    for s in subscribers
                ],
                now,
            )
    return deps.wake


def _visit_news(visit: VisitScheduled | VisitCancelled) -> tuple[Template, MessageFacts]:
    facts = MessageFacts(community=visit.community, venue=visit.venue, date=visit.date)
    if isinstance(visit, VisitCancelled):
        return Template.VISIT_CANCELLED, facts
    template = (
        Template.VISIT_CHANGED if isinstance(visit, VisitChanged) else Template.VISIT_SCHEDULED
    )
    local = {
        "starts": visit.starts_at.astimezone(CAPE_TOWN).time(),
        "ends": visit.ends_at.astimezone(CAPE_TOWN).time(),
    }
    return template, facts.model_copy(update=local)
