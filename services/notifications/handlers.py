"""Notifications' use cases. From events to deliveries (who should hear what, on which
channel, in which language), inside the consumer's transaction so a delivery exists exactly
when its event was processed, once per (event, channel, address); and the HTTP side:
visit subscriptions, the SMS gateway's replies, what was sent for a request."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from services.notifications import (
    delivery_store,
    erasures,
    followers,
    reopening,
    store,
    subscription_store,
)
from services.notifications.delivery_store import NewDelivery
from services.notifications.domain import (
    Channel,
    DeliveryStatus,
    SmsCommand,
    not_fixed_reference,
    status_template,
)
from services.notifications.messages import MessageFacts, with_links
from services.notifications.texts import Template
from shared.clock import CAPE_TOWN
from shared.consumer import AfterCommit, Received
from shared.contracts.common import Language, UpdatesBy
from shared.contracts.requests import RequestLogged
from shared.contracts.routing import Cause, RequestRouted, RoutingOutcome, StatusChanged
from shared.contracts.visits import VisitCancelled, VisitChanged, VisitScheduled
from shared.events import CloudEvent
from shared.identifiers import IdentifierKey

__all__ = [
    "Ports",
    "on_logged",
    "on_routed",
    "on_status_changed",
    "on_visit",
    "reply",
]


@dataclass(frozen=True, slots=True)
class Ports:
    clock: Callable[[], datetime]
    wake: Callable[[], None]
    """Tells the dispatcher there is something new to send (after the commit)."""
    public_url: str
    """Where residents' links lead (an e-mail's confirm and unsubscribe links)."""
    identifiers: IdentifierKey
    """The key of the hashes of numbers that said STOP or were erased."""
    supervisors: Mapping[str, str] = field(default_factory=dict)
    """Department slug to its supervisor's e-mail: the daily digest of escalated requests."""


async def on_logged(
    conn: AsyncConnection, items: Sequence[Received[RequestLogged]], ports: Ports
) -> AfterCommit:
    """A run of logged requests: contacts and first messages written a statement per table,
    since a field day's requests arrive together."""
    now = ports.clock()
    contacts, first_messages = [], []
    refused = await erasures.erased_before(
        conn, ports.identifiers, filter(None, (erasures.named_in(i.data) for i in items))
    )
    for item in items:
        logged, resident = item.data, item.data.resident
        if erasures.named_in(logged) in refused:
            resident = None  # erased since it was logged: the request stays, without them
        updates_by = resident.updates_by if resident else UpdatesBy.NONE
        language = resident.language if resident else Language.EN
        # Only what a message needs; nothing at all for a resident who wants no updates.
        phone = resident.phone if resident and updates_by is UpdatesBy.SMS else None
        email = resident.email if resident and updates_by is UpdatesBy.EMAIL else None
        contacts.append(
            {
                "reference": logged.reference,
                "phone": phone,
                "email": email,
                "language": language.value,
                "updates_by": updates_by.value,
                "created_at": now,
            }
        )
        if updates_by is not UpdatesBy.NONE:
            first_messages.append(
                NewDelivery(
                    event_id=str(item.event.id),
                    subject=logged.reference,
                    template=Template.LOGGED,
                    facts=MessageFacts(reference=logged.reference),
                    status=DeliveryStatus.PENDING,
                    channel=Channel(updates_by.value),
                    address=phone or email,
                    language=language,
                )
            )
    await store.add_contacts(conn, contacts)
    await delivery_store.add(conn, first_messages, now)
    references = [item.data.reference for item in items]
    for reference in await delivery_store.awaiting_among(conn, references):
        contact = await store.contact_for(conn, reference)
        assert contact is not None  # added just above
        await delivery_store.release_awaiting(conn, contact, now)
    return ports.wake


async def on_routed(
    conn: AsyncConnection, items: Sequence[Received[RequestRouted]], ports: Ports
) -> AfterCommit:
    for item in items:
        routed = item.data
        if routed.outcome is RoutingOutcome.REFERRED:
            facts = MessageFacts(reference=routed.reference, note=routed.note or "")
            await _to_resident(conn, item.event, Template.REFERRED, facts, ports)
        elif routed.department:
            facts = MessageFacts(reference=routed.reference, department=routed.department)
            await _to_resident(conn, item.event, Template.ROUTED, facts, ports)
    return ports.wake


async def on_status_changed(
    conn: AsyncConnection, items: Sequence[Received[StatusChanged]], ports: Ports
) -> AfterCommit:
    for item in items:
        changed = item.data
        await reopening.note_status(conn, changed)
        template = status_template(changed.status, changed.cause, changed.previous_status)
        if template is not None:
            facts = MessageFacts(
                reference=changed.reference,
                department=changed.department,
                note=changed.cause_detail,
                other=changed.duplicate_of,
            )
            await _to_resident(conn, item.event, template, facts, ports)
        if changed.cause is Cause.DUPLICATE and changed.duplicate_of:
            # Told just now, once, where the news comes from; from now on it comes from there.
            await followers.move(conn, changed.reference, changed.duplicate_of, ports.clock())
    return ports.wake


async def on_visit(
    conn: AsyncConnection,
    items: Sequence[Received[VisitScheduled] | Received[VisitCancelled]],
    ports: Ports,
) -> AfterCommit:
    """Every subscriber of the visited community hears of a visit, a move or a cancellation."""
    now = ports.clock()
    for item in items:
        visit = item.data
        facts = MessageFacts(community=visit.community, venue=visit.venue, date=visit.date)
        if isinstance(visit, VisitCancelled):
            template = Template.VISIT_CANCELLED
        else:
            template = (
                Template.VISIT_CHANGED
                if isinstance(visit, VisitChanged)
                else Template.VISIT_SCHEDULED
            )
            facts = facts.model_copy(
                update={
                    "starts": visit.starts_at.astimezone(CAPE_TOWN).time(),
                    "ends": visit.ends_at.astimezone(CAPE_TOWN).time(),
                }
            )
        subscribers = await subscription_store.confirmed_in(conn, visit.community)
        await delivery_store.add(
            conn,
            [
                NewDelivery(
                    event_id=str(item.event.id),
                    subject=visit.visit_id,
                    template=template,
                    facts=with_links(facts, s, ports.public_url),
                    status=DeliveryStatus.PENDING,
                    channel=s.channel,
                    address=s.address,
                    language=s.language,
                )
                for s in subscribers
            ],
            now,
        )
    return ports.wake


async def _to_resident(
    conn: AsyncConnection, event: CloudEvent, template: Template, facts: MessageFacts, ports: Ports
) -> None:
    assert facts.reference is not None
    contact = await store.contact_for(conn, facts.reference)
    if contact is not None and contact.channel is None:
        return  # the resident asked for no updates: nothing is ever sent
    # Without a contact, the request.logged event (on another topic) is still to come: the
    # message waits for it.
    delivery = NewDelivery(
        event_id=str(event.id),
        subject=facts.reference,
        template=template,
        facts=facts,
        status=DeliveryStatus.AWAITING_CONTACT if contact is None else DeliveryStatus.PENDING,
        channel=None if contact is None else contact.channel,
        address=None if contact is None else contact.address,
        language=None if contact is None else contact.language,
    )
    also = await followers.deliveries_like(conn, delivery)
    await delivery_store.add(conn, [delivery, *also], ports.clock())


# --- HTTP ------------------------------------------------------------------------------------


async def reply(conn: AsyncConnection, ports: Ports, sender: str, text: str) -> str:
    """A resident's SMS back: STOP ends every message to that number and START resumes them;
    STOP VISITS ends visit news only; YES confirms the number's pending subscriptions;
    NOT FIXED <reference> asks to reopen a request resolved in the last 30 days. In the
    caller's transaction, which also takes the gateway's signature once."""
    command = SmsCommand.of(text)
    if command is None:
        return "ignored"
    if command is SmsCommand.NOT_FIXED:
        reference = not_fixed_reference(text)
        if reference is None:
            return "ignored"
        return await reopening.ask_reopen(conn, ports.clock, sender, reference, text)
    if command is SmsCommand.STOP:
        await store.stop(conn, ports.identifiers, sender, ports.clock())
        return "stopped"
    if command is SmsCommand.STOP_VISITS:
        await subscription_store.end_visits_of(conn, sender)
        return "visits stopped"
    if command is SmsCommand.YES:
        confirmed = await subscription_store.confirm_pending_of(conn, sender, ports.clock())
        return "subscribed" if confirmed else "ignored"
    await store.start(conn, ports.identifiers, sender)
    return "started"
