"""When a request was resolved (NOT FIXED may reopen it for 30 days) and when its work ended
(the retention of its contact details runs from there), kept on its contact row."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.notifications.store import contacts
from shared.contracts.common import FINISHED, RequestStatus
from shared.contracts.routing import StatusChanged
from shared.store import as_utc

__all__ = ["note_status", "resolved_at"]


async def note_status(conn: AsyncConnection, changed: StatusChanged) -> None:
    """Remember when a request was resolved, for as long as it stays resolved, and when its
    work ended (resolved, closed or an application decided), for as long as it stays so: a
    reopened request is open again and its contact details are kept."""
    resolved = changed.status is RequestStatus.RESOLVED
    ended = changed.status in FINISHED
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


async def note_referred(conn: AsyncConnection, reference: str, at: datetime) -> None:
    """A referral ends the City's work on the request (another body has it): the contact
    details' retention runs from then, as from a closing."""
    await conn.execute(
        update(contacts)
        .where(contacts.c.reference == reference, contacts.c.closed_at.is_(None))
        .values(closed_at=at)
    )


async def resolved_at(
    conn: AsyncConnection, reference: str, phone: str
) -> tuple[bool, datetime | None]:
    """Whether `reference`'s updates go to `phone`, and if so when it was resolved (None
    while it is not)."""
    row = (
        await conn.execute(
            select(contacts.c.resolved_at).where(
                contacts.c.reference == reference, contacts.c.phone == phone
            )
        )
    ).one_or_none()
    if row is None:
        return False, None
    return True, as_utc(row.resolved_at) if row.resolved_at else None
