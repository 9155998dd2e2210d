"""What notifications keeps of residents, and for how long (docs/operations.md, "Personal
information"):

- a request's contact details: until `contact_days` after the request was resolved or
  closed (a reopened request is open again and keeps them);
- who follows a request (followers): as long as its contact details (a follower whose
  request's details are gone already: `contact_days` after joining);
- a delivery's address and words: as long as its request's contact details (for visit news,
  `contact_days` after it was made); its status, template and times stay, for the figures;
- a subscription never confirmed: `pending_subscription_days`;
- processed event ids: as long as the broker could deliver the event again;
- the gateway's signatures of replies taken: as long as a replay could pass as fresh;
- in development, the messages written as files: as long as contact details.

Opt-outs (STOP) are kept: forgetting one would text a resident who said stop."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, or_, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.notifications.channels.adapters import FileOutbox
from services.notifications.deliveries.domain import DeliveryStatus
from services.notifications.inbound.domain import KEEP_SIGNATURES
from services.notifications.store import contacts, deliveries, inbound_signatures, subscriptions
from services.notifications.store import followers as followers_table
from services.notifications.subscriptions.domain import SubscriptionStatus
from shared.retention import Purge, Rule

__all__ = ["rules"]

_FINISHED = (DeliveryStatus.SENT, DeliveryStatus.FAILED, DeliveryStatus.SUPPRESSED)


async def _contacts(conn: AsyncConnection, cutoff: dt.datetime, batch: int) -> int:
    done = select(contacts.c.reference).where(contacts.c.closed_at < cutoff).limit(batch)
    result = await conn.execute(delete(contacts).where(contacts.c.reference.in_(done)))
    return result.rowcount


async def _followers(conn: AsyncConnection, cutoff: dt.datetime, batch: int) -> int:
    """Runs before `_contacts`, which would take the request's closing time with it."""
    f = followers_table.c
    finished = select(contacts.c.reference).where(contacts.c.closed_at < cutoff)
    gone = select(contacts.c.reference)
    key = tuple_(f.reference, f.channel, f.address)
    due = (
        select(f.reference, f.channel, f.address)
        .where(or_(f.reference.in_(finished), f.reference.not_in(gone) & (f.joined_at < cutoff)))
        .limit(batch)
    )
    result = await conn.execute(delete(followers_table).where(key.in_(due)))
    return result.rowcount


async def _delivery_addresses(conn: AsyncConnection, cutoff: dt.datetime, batch: int) -> int:
    """Finished deliveries past the cut-off whose request holds no contact details any more
    (purged, or never: visit news): the address, the words and the gateway's answer go."""
    still_held = select(contacts.c.reference)
    due = (
        select(deliveries.c.id)
        .where(
            deliveries.c.address.is_not(None),
            deliveries.c.status.in_([s.value for s in _FINISHED]),
            deliveries.c.created_at < cutoff,
            deliveries.c.subject.not_in(still_held),
        )
        .limit(batch)
    )
    result = await conn.execute(
        update(deliveries)
        .where(deliveries.c.id.in_(due))
        .values(address=None, facts={}, last_error=None)
    )
    return result.rowcount


async def _pending_subscriptions(conn: AsyncConnection, cutoff: dt.datetime, batch: int) -> int:
    due = (
        select(subscriptions.c.id)
        .where(
            subscriptions.c.status == SubscriptionStatus.PENDING.value,
            subscriptions.c.created_at < cutoff,
        )
        .limit(batch)
    )
    result = await conn.execute(delete(subscriptions).where(subscriptions.c.id.in_(due)))
    return result.rowcount


async def _inbound_signatures(conn: AsyncConnection, cutoff: dt.datetime, batch: int) -> int:
    old = select(inbound_signatures.c.signature).where(inbound_signatures.c.seen_at < cutoff)
    result = await conn.execute(
        delete(inbound_signatures).where(inbound_signatures.c.signature.in_(old.limit(batch)))
    )
    return result.rowcount


def _outbox_files(files: FileOutbox) -> Purge:
    async def purge(_: AsyncConnection, cutoff: dt.datetime, __: int) -> int:
        return await files.purge(cutoff)  # all at once: files, not rows in a transaction

    return purge


def rules(
    contact_days: int, pending_subscription_days: int, files: FileOutbox | None = None
) -> list[Rule]:
    """Processed event ids are every service's rule (shared/service.py); `files` is the
    development outbox, if messages are written there."""
    contact = dt.timedelta(days=contact_days)
    outbox = [Rule("outbox_files", contact, _outbox_files(files))] if files else []
    return [
        Rule("followers", contact, _followers),
        *outbox,
        Rule("contacts", contact, _contacts),
        Rule("delivery_addresses", contact, _delivery_addresses),
        Rule(
            "pending_subscriptions",
            dt.timedelta(days=pending_subscription_days),
            _pending_subscriptions,
        ),
        Rule("inbound_signatures", KEEP_SIGNATURES, _inbound_signatures),
    ]
