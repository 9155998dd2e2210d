"""What residents are told when their request moves: from events to deliveries (who should
hear what, on which channel, in which language), inside the consumer's transaction so a
delivery exists exactly when its event was processed, once per (event, channel, address)."""

from __future__ import annotations

import uuid
from datetime import datetime

from services.notifications.answers import store as answers
from services.notifications.channels.domain import Channel
from services.notifications.deliveries import store as delivery_store
from services.notifications.deliveries.domain import DeliveryStatus, NewDelivery
from services.notifications.deps import NotificationsDeps
from services.notifications.followers import store as followers
from services.notifications.messages.domain import MessageFacts
from services.notifications.messages.texts import Template
from services.notifications.privacy.store import erased_before
from services.notifications.reopening.store import note_referred, note_status
from services.notifications.store import Conn
from services.notifications.updates import store
from services.notifications.updates.domain import (
    DECIDING,
    Contact,
    asks_if_fixed,
    decision_message,
    fixed_check_id,
    renewal_reminder,
    status_template,
)
from shared.clock import CAPE_TOWN
from shared.consumer import AfterCommit, Batch
from shared.contracts.common import RequestStatus
from shared.contracts.requests import RequestLogged
from shared.contracts.routing import Cause, RequestRouted, RoutingOutcome, StatusChanged
from shared.events import Envelope
from shared.use_case import UnitOfWork

__all__ = ["on_logged", "on_routed", "on_status_changed"]


async def on_logged(
    command: Batch[RequestLogged], uow: UnitOfWork, deps: NotificationsDeps
) -> AfterCommit:
    """A run of logged requests: contacts and first messages written a statement per table,
    since a field day's requests arrive together."""
    now = deps.clock()
    contacts = [
        Contact.of(i.data.reference, i.data.resident, i.data.location.community) for i in command
    ]
    named = [(c.address, i.data.logged_at) for c, i in zip(contacts, command, strict=True)]
    async with uow.transaction() as conn:
        refused = await erased_before(
            conn, deps.identifiers, [(a, at) for a, at in named if a is not None]
        )
        first_messages = []
        for n, item in enumerate(command):
            if named[n] in refused:  # erased since it was logged: the request stays, without them
                contacts[n] = Contact.of(item.data.reference, None, contacts[n].community)
            contact = contacts[n]
            if contact.channel is not None:
                first_messages.append(
                    NewDelivery(
                        event_id=str(item.event.id),
                        subject=contact.reference,
                        template=Template.APPLIED if item.data.service else Template.LOGGED,
                        facts=MessageFacts(reference=contact.reference),
                        status=DeliveryStatus.PENDING,
                        channel=contact.channel,
                        address=contact.address,
                        language=contact.language,
                    )
                )
        await store.add_contacts(conn, contacts, now)
        await _note_facts(conn, command, [n not in refused for n in named], deps)
        await delivery_store.add(conn, first_messages, now)
        for reference in await delivery_store.awaiting_among(conn, [c.reference for c in contacts]):
            found = await store.contact_for(conn, reference)
            assert found is not None  # added just above
            await delivery_store.release_awaiting(conn, found, now)
    return deps.wake


async def _note_facts(
    conn: Conn, command: Batch[RequestLogged], keep_number: list[bool], deps: NotificationsDeps
) -> None:
    """What STATUS answers from (nothing personal), and the language each number last used
    (as a keyed hash; not for a number erased since): a statement or two per table."""
    facts, languages = [], []
    for item, keep in zip(command, keep_number, strict=True):
        logged, resident = item.data, item.data.resident
        known = {
            "area": str(logged.location.area),
            "community": logged.location.community,
            "language": resident.language.value if resident else None,
        }
        facts.append(answers.FactNote(logged.reference, logged.logged_at, known=known))
        if resident is not None and resident.phone and keep:
            languages.append((resident.phone, resident.language, logged.logged_at))
    await answers.note_facts(conn, facts)
    await answers.note_languages(conn, deps.identifiers, languages)


async def on_routed(
    command: Batch[RequestRouted], uow: UnitOfWork, deps: NotificationsDeps
) -> AfterCommit:
    async with uow.transaction() as conn:
        for item in command:
            routed = item.data
            await answers.note_fact(
                conn,
                routed.reference,
                routed.decided_at,
                status=routed.status,
                department=routed.department,
                due_at=routed.due_at,
                area=str(routed.area),
                community=routed.community,
            )
            if message := _routed_message(item.data):
                await _to_resident(conn, item.event, *message, deps)
            if item.data.outcome is RoutingOutcome.REFERRED:
                await note_referred(conn, item.data.reference, item.data.decided_at)
    return deps.wake


def _routed_message(routed: RequestRouted) -> tuple[Template, MessageFacts] | None:
    """Who now has the request, or whom a referral sends the resident to; nothing for a
    decision without a department."""
    if routed.outcome is RoutingOutcome.REFERRED:
        return Template.REFERRED, MessageFacts(reference=routed.reference, note=routed.note or "")
    if routed.department:
        facts = MessageFacts(reference=routed.reference, department=routed.department)
        return Template.ROUTED, facts
    return None


async def on_status_changed(
    command: Batch[StatusChanged], uow: UnitOfWork, deps: NotificationsDeps
) -> AfterCommit:
    async with uow.transaction() as conn:
        for item in command:
            changed = item.data
            await note_status(conn, changed)
            await answers.note_fact(
                conn,
                changed.reference,
                changed.changed_at,
                status=changed.status,
                department=changed.department,
            )
            if changed.status in DECIDING and changed.service is not None:
                await _decision_to_resident(conn, item.event, changed, deps)
            elif message := _status_message(changed):
                await _to_resident(conn, item.event, *message, deps)
            await _fixed_check(conn, changed, deps)
            if changed.cause is Cause.DUPLICATE and changed.duplicate_of:
                # Told just now, once, where the news comes from; from now on it comes from there.
                await followers.move(conn, changed.reference, changed.duplicate_of, deps.clock())
    return deps.wake


async def _fixed_check(conn: Conn, changed: StatusChanged, deps: NotificationsDeps) -> None:
    """A fixed report resolved: its resident asked by SMS, `deps.fixed_check` later, whether
    it was fixed; once per request (the delivery's id is the request's), and not if the
    request moves on (reopened, closed) before then."""
    reference = changed.reference
    if changed.status is not RequestStatus.RESOLVED:
        await delivery_store.cancel_pending(conn, reference, Template.FIXED_CHECK)
        return
    contact = await store.contact_for(conn, reference)
    if not asks_if_fixed(changed) or contact is None or contact.channel is not Channel.SMS:
        return
    due = changed.changed_at + deps.fixed_check
    check = NewDelivery(
        event_id=fixed_check_id(reference),
        subject=reference,
        template=Template.FIXED_CHECK,
        facts=MessageFacts(reference=reference),
        status=DeliveryStatus.PENDING,
        channel=contact.channel,
        address=contact.address,
        language=contact.language,
        not_before=due,
    )
    await delivery_store.add(conn, [check], deps.clock())
    # Resolved again after a reopening cancelled it: asked after this resolution instead.
    await delivery_store.reschedule_cancelled(conn, check.event_id, due)


def _status_message(changed: StatusChanged) -> tuple[Template, MessageFacts] | None:
    """What the resident hears of a department's progress, if it is worth telling
    (`status_template` decides)."""
    template = status_template(changed.status, changed.cause, changed.previous_status)
    if template is None:
        return None
    facts = MessageFacts(
        reference=changed.reference,
        department=changed.department,
        note=changed.cause_detail,
        other=changed.duplicate_of,
    )
    return template, facts


async def _decision_to_resident(
    conn: Conn, event: Envelope, changed: StatusChanged, deps: NotificationsDeps
) -> None:
    """An application's decision: told now, and for an approval that ends, a reminder to
    renew it before then (a delivery of its own, due on that day)."""
    contact = await store.contact_for(conn, changed.reference)
    community = contact.community if contact else None
    today = changed.changed_at.astimezone(CAPE_TOWN).date()
    visit = await store.next_visit(conn, community, today) if community else None
    if message := decision_message(changed, visit):
        await _to_resident(conn, event, *message, deps)
    notice = deps.catalogue.renewal_notice_days
    if reminder := renewal_reminder(changed, community, notice):
        facts, due = reminder
        renewal = str(uuid.uuid5(event.id, "renew"))  # once, however often the event comes
        await _to_resident(conn, event, Template.RENEW, facts, deps, due, renewal)


async def _to_resident(
    conn: Conn,
    event: Envelope,
    template: Template,
    facts: MessageFacts,
    deps: NotificationsDeps,
    not_before: datetime | None = None,
    event_id: str | None = None,
) -> None:
    """A message to the request's resident (and its followers), or none for a resident who
    wants no updates; sent from `not_before` on, if given."""
    assert facts.reference is not None
    contact = await store.contact_for(conn, facts.reference)
    if contact is not None and contact.channel is None:
        return  # the resident asked for no updates: nothing is ever sent
    # Without a contact, the request.logged event (on another topic) is still to come: the
    # message waits for it.
    delivery = NewDelivery(
        event_id=event_id or str(event.id),
        subject=facts.reference,
        template=template,
        facts=facts,
        status=DeliveryStatus.AWAITING_CONTACT if contact is None else DeliveryStatus.PENDING,
        channel=None if contact is None else contact.channel,
        address=None if contact is None else contact.address,
        language=None if contact is None else contact.language,
        not_before=not_before,
    )
    also = await followers.deliveries_like(conn, delivery)
    await delivery_store.add(conn, [delivery, *also], deps.clock())
