"""A department supervisor's daily digest of escalated requests (routing decides which and
when): one e-mail, to the address operators set for the department."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from services.notifications.channels.domain import Channel
from services.notifications.deliveries import store as delivery_store
from services.notifications.deliveries.domain import DeliveryStatus, NewDelivery
from services.notifications.deps import NotificationsDeps
from services.notifications.messages.domain import MessageFacts
from services.notifications.messages.texts import Template
from shared.clock import CAPE_TOWN
from shared.consumer import AfterCommit, Batch, Received
from shared.contracts.common import Language
from shared.contracts.routing import OverdueDigest
from shared.reference import format_for_reading
from shared.use_case import UnitOfWork

__all__ = ["on_digest"]

log = logging.getLogger(__name__)


async def on_digest(
    command: Batch[OverdueDigest], uow: UnitOfWork, deps: NotificationsDeps
) -> AfterCommit:
    emails = [_email(item, deps.supervisors) for item in command]
    async with uow.transaction() as conn:
        await delivery_store.add(conn, [e for e in emails if e is not None], deps.clock())
    return deps.wake


def _email(item: Received[OverdueDigest], supervisors: Mapping[str, str]) -> NewDelivery | None:
    """The digest's e-mail to its department's supervisor; none without their address."""
    digest = item.data
    address = supervisors.get(digest.department)
    if address is None:
        log.warning(
            "no supervisor address for %s: its overdue digest is not sent "
            "(set MO_NOTIFICATIONS_SUPERVISORS)",
            digest.department,
        )
        return None
    return NewDelivery(
        event_id=str(item.event.id),
        subject=f"digest:{digest.department}"[:64],
        template=Template.DIGEST,
        facts=_facts(digest),
        status=DeliveryStatus.PENDING,
        channel=Channel.EMAIL,
        address=address,
        language=Language.EN,
    )


def _facts(digest: OverdueDigest) -> MessageFacts:
    lines = "; ".join(
        f"{format_for_reading(r.reference)} {r.category} ({r.priority.value}, "
        f"{r.status.value}, due {r.due_at.astimezone(CAPE_TOWN):%Y-%m-%d %H:%M})"
        for r in digest.requests
    )
    return MessageFacts(department=digest.department, note=f"{len(digest.requests)}: {lines}")
