"""Attachments' rows: what each is (kind, type, size, hash, dimensions), who added it and
with which Idempotency-Key. Their bytes are in the object store (adapters.py), never here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
    delete,
    false,
    func,
    insert,
    select,
    true,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from services.intake.store import metadata, requests
from shared.contracts.common import FINISHED
from shared.store import find_row, from_row

__all__ = [
    "StoredAttachment",
    "add_attachment",
    "attachment",
    "attachments",
    "attachments_of",
    "count_of_kind",
    "delete_attachments",
    "delete_attachments_of",
    "fill_position",
    "finished_attachments",
    "keyed_attachment",
    "kinds_held",
    "lock_request",
    "make_public",
    "public_photo",
    "public_photo_of",
    "public_photos",
]

"""A request the City's work on is over (routing's news sets `status` and `updated_at`)."""

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


async def finished_attachments(
    conn: AsyncConnection, kind: str, cutoff: datetime, batch: int
) -> list[tuple[str, str]]:
    """(id, reference) of up to `batch` attachments of `kind` whose request has been
    finished since before `cutoff`."""
    a, r = attachments.c, requests.c
    query = (
        select(a.id, a.reference)
        .join(requests, r.reference == a.reference)
        .where(a.kind == kind, r.status.in_(sorted(FINISHED)), r.updated_at < cutoff)
        .order_by(a.id)
        .limit(batch)
    )
    return [(row.id, row.reference) for row in await conn.execute(query)]


async def delete_attachments(conn: AsyncConnection, ids: Sequence[str]) -> int:
    if not ids:
        return 0
    result = await conn.execute(delete(attachments).where(attachments.c.id.in_(ids)))
    return int(result.rowcount)


async def delete_attachments_of(conn: AsyncConnection, references: Sequence[str]) -> int:
    """Every attachment's row of these requests; how many there were."""
    if not references:
        return 0
    result = await conn.execute(delete(attachments).where(attachments.c.reference.in_(references)))
    return int(result.rowcount)


async def kinds_held(conn: AsyncConnection, references: Sequence[str]) -> dict[str, dict[str, int]]:
    """How many attachments of each kind each of these requests has (those with any)."""
    a = attachments.c
    query = (
        select(a.reference, a.kind, func.count())
        .where(a.reference.in_(references))
        .group_by(a.reference, a.kind)
        .order_by(a.reference, a.kind)
    )
    held: dict[str, dict[str, int]] = {}
    for reference, kind, count in await conn.execute(query):
        held.setdefault(reference, {})[kind] = int(count)
    return held


async def make_public(conn: AsyncConnection, reference: str, attachment_id: str) -> str | None:
    """Marks the request's photo `attachment_id` public; answers the kind found (a document
    is left as it is), None when the request has no such attachment."""
    a = attachments.c
    kind = await conn.scalar(select(a.kind).where(a.id == attachment_id, a.reference == reference))
    if kind == "photo":
        await conn.execute(update(attachments).where(a.id == attachment_id).values(public=True))
    return None if kind is None else str(kind)


async def public_photo(
    conn: AsyncConnection, reference: str, attachment_id: str
) -> StoredAttachment | None:
    """The request's photo `attachment_id` if a department made it public; else None."""
    a = attachments.c
    row = (
        await conn.execute(
            select(attachments).where(
                a.id == attachment_id,
                a.reference == reference,
                a.kind == "photo",
                a.public == true(),
            )
        )
    ).first()
    return None if row is None else from_row(StoredAttachment, row)


def public_photo_of(reference: ColumnElement[str]) -> ColumnElement[bool]:
    """An attachment that is a public photo of the request `reference` names: what a page's
    own query joins (outer), so a page of requests and their photos is one statement."""
    a = attachments.c
    return (a.reference == reference) & (a.kind == "photo") & (a.public == true())


async def public_photos(conn: AsyncConnection, references: Sequence[str]) -> dict[str, list[str]]:
    """The ids of each request's public photos, in the order they came."""
    if not references:
        return {}
    a = attachments.c
    query = (
        select(a.reference, a.id)
        .where(a.reference.in_(references), a.kind == "photo", a.public == true())
        .order_by(a.added_at, a.id)
    )
    found: dict[str, list[str]] = {}
    for reference, photo in await conn.execute(query):
        found.setdefault(reference, []).append(photo)
    return found
