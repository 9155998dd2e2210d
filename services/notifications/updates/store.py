"""Residents' contact details, one row a request: how they want to hear about it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from services.notifications.channels.domain import Channel
from services.notifications.store import contacts
from services.notifications.updates.domain import Contact, address_for
from shared.contracts.common import Language, UpdatesBy
from shared.store import find_row, upsert_insert

__all__ = ["add_contacts", "contact_for"]


async def add_contacts(conn: AsyncConnection, new: Sequence[Contact], at: datetime) -> None:
    """Each request's contact once: a redelivered event adds nothing."""
    rows = [
        {
            "reference": c.reference,
            "phone": c.address if c.channel is Channel.SMS else None,
            "email": c.address if c.channel is Channel.EMAIL else None,
            "language": c.language.value,
            "updates_by": c.channel.value if c.channel else UpdatesBy.NONE.value,
            "created_at": at,
        }
        for c in new
    ]
    if rows:
        await conn.execute(upsert_insert(conn, contacts).on_conflict_do_nothing(), rows)


async def contact_for(conn: AsyncConnection, reference: str) -> Contact | None:
    row = await find_row(conn, contacts, reference=reference)
    if row is None:
        return None
    channel = Channel.of(row.updates_by)
    address = address_for(channel, row.phone, row.email)
    return Contact(reference, channel, address, Language(row.language))
