"""From events to deliveries: who should hear what, on which channel, in which language.
Runs inside the consumer's transaction, so a delivery exists exactly when its event was
processed, once per (event, channel, address)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.notifications import store
from services.notifications.domain import status_template
from services.notifications.store import Status
from services.notifications.texts import Template, department_name
from shared.consumer import AfterCommit, Applier
from shared.contracts.common import RequestStatus, UpdatesBy
from shared.contracts.requests import RequestLogged
from shared.contracts.routing import RequestRouted, RoutingOutcome, StatusChanged
from shared.contracts.visits import VisitCancelled, VisitChanged, VisitScheduled
from shared.events import CloudEvent
from shared.reference import format_for_reading
from shared.store import upsert_insert
from shared.topics import EventType

__all__ = ["Planner"]


class Planner:
    def __init__(self, clock: Callable[[], datetime], wake: Callable[[], None]) -> None:
        self._clock = clock
        self._wake = wake

    def appliers(self) -> dict[str, Applier]:
        return {
            EventType.REQUEST_LOGGED: self._logged,
            EventType.REQUEST_ROUTED: self._each(self._routed),
            EventType.REQUEST_UNROUTABLE: self._each(self._nothing),
            EventType.REQUEST_STATUS_CHANGED: self._each(self._status),
            EventType.VISIT_SCHEDULED: self._each(self._visit),
            EventType.VISIT_CHANGED: self._each(self._visit),
            EventType.VISIT_CANCELLED: self._each(self._visit),
        }

    def _each(self, apply_one: Callable[[AsyncConnection, CloudEvent], Any]) -> Applier:
        async def apply(conn: AsyncConnection, events: Sequence[CloudEvent]) -> AfterCommit:
            for event in events:
                await apply_one(conn, event)
            return self._wake

        return apply

    async def _nothing(self, conn: AsyncConnection, event: CloudEvent) -> None:
        """Unroutable requests wait for triage; the resident hears when it is routed."""

    async def _logged(self, conn: AsyncConnection, events: Sequence[CloudEvent]) -> AfterCommit:
        """A run of logged requests: contacts and first messages written a statement per
        table, since a field day's requests arrive together."""
        now = self._clock()
        contacts, deliveries = [], []
        for event in events:
            logged = event.data_as(RequestLogged)
            resident = logged.resident
            updates_by = resident.updates_by if resident else UpdatesBy.NONE
            # Only what a message needs; nothing at all for a resident who wants no updates.
            contact = {
                "reference": logged.reference,
                "phone": resident.phone if resident and updates_by is UpdatesBy.SMS else None,
                "email": resident.email if resident and updates_by is UpdatesBy.EMAIL else None,
                "language": resident.language.value if resident else "en",
                "updates_by": updates_by.value,
                "created_at": now,
            }
            contacts.append(contact)
            if updates_by is not UpdatesBy.NONE:
                deliveries.append(
                    self._delivery_row(
                        event,
                        logged.reference,
                        Template.LOGGED,
                        {"reference": format_for_reading(logged.reference)},
                        now,
                        channel=updates_by.value,
                        address=contact["phone"] or contact["email"],
                        language=contact["language"],
                        status=Status.PENDING,
                    )
                )
        await conn.execute(upsert_insert(conn, store.contacts).on_conflict_do_nothing(), contacts)
        if deliveries:
            await conn.execute(
                upsert_insert(conn, store.deliveries).on_conflict_do_nothing(), deliveries
            )
        held = set(
            await conn.scalars(
                select(store.deliveries.c.subject).where(
                    store.deliveries.c.subject.in_([c["reference"] for c in contacts]),
                    store.deliveries.c.status == Status.AWAITING_CONTACT,
                )
            )
        )
        for reference in held:
            await self._release_awaiting(conn, reference)
        return self._wake

    async def _routed(self, conn: AsyncConnection, event: CloudEvent) -> None:
        routed = event.data_as(RequestRouted)
        params = {"reference": format_for_reading(routed.reference)}
        if routed.outcome is RoutingOutcome.REFERRED:
            await self._to_resident(
                conn,
                event,
                routed.reference,
                Template.REFERRED,
                {**params, "note": routed.note or ""},
            )
        elif routed.department:
            params["department"] = department_name(routed.department)
            await self._to_resident(conn, event, routed.reference, Template.ROUTED, params)

    async def _status(self, conn: AsyncConnection, event: CloudEvent) -> None:
        changed = event.data_as(StatusChanged)
        template = status_template(RequestStatus(changed.status))
        if template is not None:
            params = {
                "reference": format_for_reading(changed.reference),
                "department": department_name(changed.department),
            }
            await self._to_resident(conn, event, changed.reference, template, params)

    async def _visit(self, conn: AsyncConnection, event: CloudEvent) -> None:
        visit: VisitScheduled | VisitCancelled
        if event.type == EventType.VISIT_CANCELLED:
            visit = event.data_as(VisitCancelled)
            template, hours = Template.VISIT_CANCELLED, ""
        else:
            visit = event.data_as(
                VisitChanged if event.type == EventType.VISIT_CHANGED else VisitScheduled
            )
            template = (
                Template.VISIT_CHANGED
                if event.type == EventType.VISIT_CHANGED
                else Template.VISIT_SCHEDULED
            )
            hours = f"{visit.starts_at:%H:%M}-{visit.ends_at:%H:%M}"
        params = {
            "community": visit.community,
            "venue": visit.venue,
            "date": visit.date.isoformat(),
            "hours": hours,
        }
        subscribers = await conn.execute(
            select(store.subscriptions).where(
                store.subscriptions.c.community_key == visit.community.casefold()
            )
        )
        now = self._clock()
        for subscriber in subscribers:
            await self._insert_delivery(
                conn,
                event,
                visit.visit_id,
                template,
                params,
                now,
                channel=subscriber.channel,
                address=subscriber.address,
                language=subscriber.language,
                status=Status.PENDING,
            )

    async def _to_resident(
        self,
        conn: AsyncConnection,
        event: CloudEvent,
        reference: str,
        template: Template,
        params: dict[str, str],
    ) -> None:
        contact = (
            await conn.execute(
                select(store.contacts).where(store.contacts.c.reference == reference)
            )
        ).one_or_none()
        now = self._clock()
        if contact is None:
            # The request.logged event is on another topic and may come later: hold this.
            await self._insert_delivery(
                conn, event, reference, template, params, now, status=Status.AWAITING_CONTACT
            )
            return
        channel = contact.updates_by
        if channel == UpdatesBy.NONE.value:
            return  # the resident asked for no updates: nothing is ever sent
        await self._insert_delivery(
            conn,
            event,
            reference,
            template,
            params,
            now,
            channel=channel,
            address=contact.phone if channel == "sms" else contact.email,
            language=contact.language,
            status=Status.PENDING,
        )

    async def _release_awaiting(self, conn: AsyncConnection, reference: str) -> None:
        contact = (
            await conn.execute(
                select(store.contacts).where(store.contacts.c.reference == reference)
            )
        ).one()
        awaiting = (
            store.deliveries.c.subject == reference,
            store.deliveries.c.status == Status.AWAITING_CONTACT,
        )
        if contact.updates_by == UpdatesBy.NONE.value:
            await conn.execute(
                update(store.deliveries).where(*awaiting).values(status=Status.SUPPRESSED)
            )
            return
        await conn.execute(
            update(store.deliveries)
            .where(*awaiting)
            .values(
                status=Status.PENDING,
                channel=contact.updates_by,
                address=contact.phone if contact.updates_by == "sms" else contact.email,
                language=contact.language,
                next_attempt_at=self._clock(),
            )
        )

    async def _insert_delivery(
        self,
        conn: AsyncConnection,
        event: CloudEvent,
        subject: str,
        template: Template,
        params: dict[str, str],
        now: datetime,
        **values: Any,
    ) -> None:
        row = self._delivery_row(event, subject, template, params, now, **values)
        await conn.execute(
            upsert_insert(conn, store.deliveries).values(**row).on_conflict_do_nothing()
        )

    @staticmethod
    def _delivery_row(
        event: CloudEvent,
        subject: str,
        template: Template,
        params: dict[str, str],
        now: datetime,
        **values: Any,
    ) -> dict[str, Any]:
        return {
            "id": str(uuid.uuid4()),
            "event_id": str(event.id),
            "subject": subject,
            "template": template.value,
            "params": params,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
            "channel": None,
            "address": None,
            "language": None,
            **values,
        }
