"""A resident replies `NOT FIXED <reference>` to an update: believed only from the number the
request's updates go to, and only within 30 days of its resolution (shared/reopening.py);
then routing is asked to reopen it, and the resident hears that it is open again."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.notifications.store import contacts, outbox
from shared.contracts.common import RequestStatus
from shared.contracts.requests import ReopenAsked
from shared.contracts.routing import StatusChanged
from shared.events import new_event
from shared.outbox import enqueue
from shared.reopening import reopen_refusal
from shared.store import as_utc
from shared.topics import source

__all__ = ["BY_SMS", "ask_reopen", "note_status"]

log = logging.getLogger(__name__)
BY_SMS = "resident by SMS"


async def note_status(conn: AsyncConnection, changed: StatusChanged) -> None:
    """Remember when a request was resolved, for as long as it stays resolved, and when its
    work ended (resolved or closed), for as long as it stays so: a reopened request is open
    again and its contact details are kept."""
    resolved = changed.status is RequestStatus.RESOLVED
    ended = changed.status in (RequestStatus.RESOLVED, RequestStatus.CLOSED)
    reference = contacts.c.reference == changed.reference
    await conn.execute(
        update(contacts)
        .where(reference)
        .values(resolved_at=changed.changed_at if resolved else None)
    )
    if not ended:
        await conn.execute(update(contacts).where(reference).values(closed_at=None))
    else:  # closing a resolved request keeps the day its work ended
        await conn.execute(
            update(contacts)
            .where(reference, contacts.c.closed_at.is_(None))
            .values(closed_at=changed.changed_at)
        )


async def ask_reopen(
    conn: AsyncConnection,
    clock: Callable[[], datetime],
    sender: str,
    reference: str,
    text: str,
) -> str:
    """What became of the reply: `reopen asked`, or why not."""
    row = (
        await conn.execute(
            select(contacts.c.resolved_at).where(
                contacts.c.reference == reference, contacts.c.phone == sender
            )
        )
    ).one_or_none()
    if row is None:  # not this number's request: say nothing of whether it exists
        log.info("NOT FIXED for a reference not sent to this number: ignored")
        return "ignored"
    now = clock()
    resolved_at = as_utc(row.resolved_at) if row.resolved_at else None
    status = RequestStatus.RESOLVED if resolved_at else RequestStatus.IN_PROGRESS
    refusal = reopen_refusal(status, resolved_at, now)
    if refusal is not None:
        log.info("NOT FIXED refused reference=%s: %s", reference, refusal)
        return "refused"
    asked = ReopenAsked(
        reference=reference, reason=text.strip()[:500], asked_by=BY_SMS, asked_at=now
    )
    await enqueue(conn, outbox, new_event(asked, source("notifications"), reference, now))
    log.info("NOT FIXED reference=%s: reopen asked", reference)
    return "reopen asked"
