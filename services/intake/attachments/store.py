"""Attachments' rows: what each is (kind, type, size, hash, dimensions), who added it and
with which Idempotency-Key. Their bytes are in the object store (adapters.py), never here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
    false,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from services.intake.store import metadata, requests
from shared.store import find_row, from_row

__all__ = [
    "StoredAttachment",
    "add_attachment",
    "attachment",
    "attachments",
    "attachments_of",
    "count_of_kind",
    "fill_position",
    "keyed_attachment",
    "lock_request",
]

attachments = Table(
    "attachments",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("reference", String(10), ForeignKey("requests.reference"), nullable=False),
    Column("kind", String(10), nullable=False),  # photo | document
    Column("document", String(60)),  # the checklist item a document answers
    Column("content_type", String(40), nullable=False),
    Column("bytes", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),  # of the bytes kept
    Column("width", Integer),
    Column("height", Integer),
    Column("public", Boolean, nullable=False, default=False, server_default=false()),
    Column("added_by", String(100), nullable=False),
    Column("added_at", DateTime(timezone=True), nullable=False),
    Column("idempotency_key", String(255)),  # the caller's, to answer a retry the same
    Column("body_sha256", String(64), nullable=False),  # of what was sent: kind, item, file
    UniqueConstraint("added_by", "idempotency_key", name="uq_attachments_added_by_key"),
    Index("ix_attachments_reference", "reference"),
)


@dataclass(frozen=True, slots=True)
class StoredAttachment:
    id: str
    reference: str
    kind: str
    document: str | None
    content_type: str
    bytes: int
    sha256: str
    width: int | None
    height: int | None
    public: bool
    added_by: str
    added_at: datetime
    body_sha256: str


async def add_attachment(conn: AsyncConnection, row: StoredAttachment, key: str | None) -> bool:
    """The row; False (and nothing written) when the caller used `key` meanwhile."""
    values = {name: getattr(row, name) for name in StoredAttachment.__slots__}
    try:
        async with conn.begin_nested():
            await conn.execute(insert(attachments).values(**values, idempotency_key=key))
    except IntegrityError:
        return False
    return True


async def lock_request(conn: AsyncConnection, reference: str) -> None:
    """Holds the request's row until the transaction ends: one attachment at a time is
    counted against its limits."""
    await find_row(conn, requests, for_update=True, reference=reference)


async def keyed_attachment(
    conn: AsyncConnection, added_by: str, key: str
) -> StoredAttachment | None:
    """What this caller added with this Idempotency-Key, if anything."""
    row = await find_row(conn, attachments, added_by=added_by, idempotency_key=key)
    return None if row is None else from_row(StoredAttachment, row)


async def count_of_kind(conn: AsyncConnection, reference: str, kind: str) -> int:
    a = attachments.c
    found = await conn.scalar(select(func.count()).where(a.reference == reference, a.kind == kind))
    return int(found or 0)


async def attachments_of(conn: AsyncConnection, reference: str) -> list[StoredAttachment]:
    """A request's attachments, in the order they came."""
    rows = await conn.execute(
        select(attachments)
        .where(attachments.c.reference == reference)
        .order_by(attachments.c.added_at, attachments.c.id)
    )
    return [from_row(StoredAttachment, row) for row in rows]


async def attachment(
    conn: AsyncConnection, reference: str, attachment_id: str
) -> StoredAttachment | None:
    row = await find_row(conn, attachments, id=attachment_id, reference=reference)
    return None if row is None else from_row(StoredAttachment, row)


async def fill_position(
    conn: AsyncConnection, reference: str, position: tuple[float, float]
) -> None:
    """Where a photo was taken, for a request that has no exact place yet."""
    r = requests.c
    await conn.execute(
        update(requests)
        .where(r.reference == reference, r.lat.is_(None), r.lon.is_(None))
        .values(lat=position[0], lon=position[1])
    )
