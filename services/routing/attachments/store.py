"""What routing knows of a request's attachments (from intake's attachment_added events):
what each is, and whether its department made a photo public. Their bytes stay in the
object store (shared/objects.py), which routing reads, never copies."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, Index, Integer, String, Table, delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.routing.attachments.domain import Attachment
from services.routing.store import metadata
from shared.contracts.requests import AttachmentAdded
from shared.store import find_row, from_row, upsert_insert

__all__ = ["attachments", "attachments_of", "find_attachment", "forget", "keep", "make_public"]

attachments = Table(
    "request_attachments",
    metadata,
    Column("attachment_id", String(36), primary_key=True),
    Column("reference", String(10), nullable=False),
    Column("kind", String(10), nullable=False),  # photo or document
    Column("document", String(60)),  # the application's paper a document shows
    Column("content_type", String(40), nullable=False),
    Column("bytes", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("added_at", DateTime(timezone=True), nullable=False),
    Column("public_at", DateTime(timezone=True)),  # when its department made it public
    Column("public_by", String(100)),
    Index("ix_request_attachments_reference", "reference"),
)


async def keep(conn: AsyncConnection, added: AttachmentAdded) -> None:
    """Kept once: the same attachment again changes nothing."""
    row = added.model_dump(exclude={"reference", "attachment_id"})
    row |= {"attachment_id": added.attachment_id, "reference": added.reference}
    await conn.execute(upsert_insert(conn, attachments).values(row).on_conflict_do_nothing())


async def attachments_of(conn: AsyncConnection, reference: str) -> list[Attachment]:
    found = await conn.execute(
        select(attachments)
        .where(attachments.c.reference == reference)
        .order_by(attachments.c.added_at, attachments.c.attachment_id)
    )
    return [from_row(Attachment, row) for row in found]


async def find_attachment(
    conn: AsyncConnection, reference: str, attachment_id: str
) -> Attachment | None:
    row = await find_row(conn, attachments, reference=reference, attachment_id=attachment_id)
    return None if row is None else from_row(Attachment, row)


async def make_public(conn: AsyncConnection, attachment_id: str, at: datetime, by: str) -> None:
    await conn.execute(
        update(attachments)
        .where(attachments.c.attachment_id == attachment_id)
        .values(public_at=at, public_by=by)
    )


async def forget(conn: AsyncConnection, references: list[str]) -> int:
    """A resident's erasure: intake deletes the objects, routing what it knew of them (the
    page would otherwise show photos that are gone). How many it forgot."""
    gone = await conn.execute(delete(attachments).where(attachments.c.reference.in_(references)))
    return gone.rowcount or 0
