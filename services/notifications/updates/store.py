"""Residents' contact details, one row a request: how they want to hear about it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.notifications.channels.domain import Channel
from services.notifications.store import contacts, visits
from services.notifications.updates.domain import Contact, Visit, address_for
from shared.clock import CAPE_TOWN
from shared.contracts.common import Language, UpdatesBy
from shared.contracts.visits import VisitCancelled, VisitScheduled
from shared.store import find_row, upsert_insert

__all__ = ["add_contacts", "contact_for", "next_visit", "note_visit"]


async def add_contacts(conn: AsyncConnection, new: Sequence[Contact], at: datetime) -> None:
    """Each request's contact once: a redelivered event adds nothing."""
    rows = [
        {
            "reference": c.reference,
            "phone": c.address if c.channel is Channel.SMS else None,
            "email": c.address if c.channel is Channel.EMAIL else None,
            "language": c.language.value,
            "updates_by": c.channel.value if c.channel else UpdatesBy.NONE.value,
            "community": c.community,
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
    return Contact(reference, channel, address, Language(row.language), row.community)


async def note_visit(conn: AsyncConnection, visit: VisitScheduled | VisitCancelled) -> None:
    """Keeps the visits announced current: a new or moved one as it now is; a cancelled one
    gone."""
    await conn.execute(delete(visits).where(visits.c.visit_id == visit.visit_id))
    if isinstance(visit, VisitCancelled):
        return
    await conn.execute(
        insert(visits).values(
            visit_id=visit.visit_id,
            community_key=visit.community.casefold(),
            community=visit.community,
            venue=visit.venue,
            date=visit.date,
            starts=visit.starts_at.astimezone(CAPE_TOWN).time(),
            ends=visit.ends_at.astimezone(CAPE_TOWN).time(),
        )
    )


async def next_visit(conn: AsyncConnection, community: str, after: date) -> Visit | None:
    """The first visit to `community` on `after` or later, if one is announced."""
    row = (
        await conn.execute(
            select(visits)
            .where(visits.c.community_key == community.casefold(), visits.c.date >= after)
            .order_by(visits.c.date, visits.c.starts)
            .limit(1)
        )
    ).first()
    if row is None:
        return None
    return Visit(row.community, row.venue, row.date, row.starts, row.ends)
