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
- in development, the messages written as files: as long as contact details;
- a USSD session (a keyed hash of its id and where it is in the menu): ten minutes after its
  last screen (it is forgotten after 180 s anyway);
- the answers a number got in a day (a keyed hash and a count): two days;
- the language a number last used (a keyed hash): a year after it last said;
- a request's public facts (what STATUS answers): a year after its last news, once finished.

Opt-outs (STOP) are kept: forgetting one would text a resident who said stop."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, or_, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.notifications.channels.adapters import FileOutbox
from services.notifications.deliveries.domain import DeliveryStatus
from services.notifications.inbound.domain import KEEP_SIGNATURES
from services.notifications.store import (
    answer_counts,
    contacts,
    deliveries,
    inbound_signatures,
    number_languages,
    request_facts,
    subscriptions,
    ussd_sessions,
)
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


async def _ussd_sessions(conn: AsyncConnection, cutoff: dt.datetime, batch: int) -> int:
    old = select(ussd_sessions.c.session_hash).where(ussd_sessions.c.last_seen < cutoff)
    result = await conn.execute(
        delete(ussd_sessions).where(ussd_sessions.c.session_hash.in_(old.limit(batch)))
    )
    return result.rowcount


async def _answer_counts(conn: AsyncConnection, cutoff: dt.datetime, batch: int) -> int:
    c = answer_counts.c
    old = select(c.phone_hash, c.day).where(c.day < cutoff.date()).limit(batch)
    result = await conn.execute(delete(answer_counts).where(tuple_(c.phone_hash, c.day).in_(old)))
    return result.rowcount


async def _number_languages(conn: AsyncConnection, cutoff: dt.datetime, batch: int) -> int:
    c = number_languages.c
    old = select(c.phone_hash).where(c.updated_at < cutoff).limit(batch)
    result = await conn.execute(delete(number_languages).where(c.phone_hash.in_(old)))
    return result.rowcount


_FINISHED_REQUESTS = ("resolved", "closed", "referred", "declined", "withdrawn")


async def _request_facts(conn: AsyncConnection, cutoff: dt.datetime, batch: int) -> int:
    c = request_facts.c
    old = (
        select(c.reference)
        .where(c.status.in_(_FINISHED_REQUESTS), c.changed_at < cutoff)
        .limit(batch)
    )
    result = await conn.execute(delete(request_facts).where(c.reference.in_(old)))
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
        Rule("ussd_sessions", dt.timedelta(minutes=10), _ussd_sessions),
        Rule("answer_counts", dt.timedelta(days=2), _answer_counts),
        Rule("number_languages", dt.timedelta(days=365), _number_languages),
        Rule("request_facts", dt.timedelta(days=365), _request_facts),
    ]
