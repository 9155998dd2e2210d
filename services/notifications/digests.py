"""A department supervisor's daily digest of escalated requests (routing decides which and
when): one e-mail, to the address operators set for the department."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncConnection

from services.notifications import delivery_store
from services.notifications.delivery_store import NewDelivery
from services.notifications.domain import Channel, DeliveryStatus
from services.notifications.handlers import Ports
from services.notifications.messages import MessageFacts
from services.notifications.texts import Template
from shared.clock import CAPE_TOWN
from shared.consumer import AfterCommit, Received
from shared.contracts.common import Language
from shared.contracts.routing import OverdueDigest
from shared.reference import format_for_reading

__all__ = ["on_digest"]

log = logging.getLogger(__name__)


async def on_digest(
    conn: AsyncConnection, items: Sequence[Received[OverdueDigest]], ports: Ports
) -> AfterCommit:
    for item in items:
        digest = item.data
        address = ports.supervisors.get(digest.department)
        if address is None:
            log.warning(
                "no supervisor address for %s: its overdue digest is not sent "
                "(set MO_NOTIFICATIONS_SUPERVISORS)",
                digest.department,
            )
            continue
        lines = "; ".join(
            f"{format_for_reading(r.reference)} {r.category} ({r.priority.value}, "
            f"{r.status.value}, due {r.due_at.astimezone(CAPE_TOWN):%Y-%m-%d %H:%M})"
            for r in digest.requests
        )
        facts = MessageFacts(department=digest.department, note=f"{len(digest.requests)}: {lines}")
        delivery = NewDelivery(
            event_id=str(item.event.id),
            subject=f"digest:{digest.department}"[:64],
            template=Template.DIGEST,
            facts=facts,
            status=DeliveryStatus.PENDING,
            channel=Channel.EMAIL,
            address=address,
            language=Language.EN,
        )
        await delivery_store.add(conn, [delivery], ports.clock())
    return ports.wake
