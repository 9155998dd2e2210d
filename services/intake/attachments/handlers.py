"""A field agent attaches a photo or a document to a request; its department and operators
list and read them (a document only with a reason, audited).

An attachment's bytes are checked and stripped (domain.py) in a thread, written to the object
store, and only then is its row committed with its `attachment_added` event: an object
without a row is harmless (nothing points at it), a row without bytes is not."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Final

from services.intake import store as requests_store
from services.intake.attachments import store
from services.intake.attachments.domain import (
    LIMITS,
    Kind,
    NotYetReceived,
    NotYours,
    Prepared,
    RequestFull,
    prepare,
)
from services.intake.attachments.store import StoredAttachment
from services.intake.devices import store as device_store
from services.intake.requests.domain import IdempotencyConflict
from services.intake.store import Connection
from shared.auth import Caller
from shared.contracts.requests import AttachmentAdded
from shared.credentials import Role
from shared.objects import ObjectMissing, object_key
from shared.refusals import Invalid, NotFound
from shared.use_case import UnitOfWork

if TYPE_CHECKING:
    from services.intake.deps import IntakeDeps

__all__ = [
    "Attach",
    "Attached",
    "Look",
    "attach",
    "attachable",
    "list_attachments",
    "read_attachment",
]

log = logging.getLogger(__name__)

_DECODERS: Final = ThreadPoolExecutor(max_workers=1, thread_name_prefix="attachments")
"""Pictures are decoded one at a time, beside the event loop: a decoded photo holds ~10 MB.
Measured by `make bench` (200 photos of 1.2 MB from 8 clients): one decoder grows intake's
peak memory by ~40 MB at 6-8 photos/s, two by ~65 MB at 8-10 photos/s, the default pool
(six threads) by ~400 MB. Uploads beyond one wait here with their bytes."""


@dataclass(frozen=True, slots=True)
class Attach:
    reference: str
    caller: Caller
    kind: Kind
    document: str | None
    data: bytes
    idempotency_key: str | None = None


def _fingerprint(command: Attach) -> str:
    """What was sent, so a retry with the same key is told from another upload."""
    sent = hashlib.sha256(f"{command.kind}\n{command.document or ''}\n".encode())
    sent.update(command.data)
    return sent.hexdigest()


@dataclass(frozen=True, slots=True)
class Attached:
    attachment: StoredAttachment
    replayed: bool


@dataclass(frozen=True, slots=True)
class Look:
    """A department's or an operator's read of a request's attachments (one, with `id`)."""

    reference: str
    caller: Caller
    attachment_id: str | None = None
    thumb: bool = False
    reason: str | None = None  # a document's read needs one: it is kept in the audit


async def attachable(reference: str, uow: UnitOfWork, deps: IntakeDeps) -> None:
    """NotFound unless intake has the request (checked before a byte of the upload is read)."""
    async with uow.reading() as conn:
        await _existing(conn, reference)


async def attach(command: Attach, uow: UnitOfWork, deps: IntakeDeps) -> Attached:
    """Checks, strips and keeps the attachment; a retry with the same Idempotency-Key and
    the same upload gets the first answer again, with another upload IdempotencyConflict."""
    sent = _fingerprint(command)  # once: it reads every byte
    async with uow.reading() as conn:
        await _existing(conn, command.reference)
        seen = await _seen(conn, command, sent)
        if seen is not None:
            return Attached(seen, replayed=True)
        await _room_for(conn, command)
    preparing = asyncio.get_running_loop().run_in_executor(
        _DECODERS, prepare, command.kind, command.data
    )
    prepared = await preparing
    row = _row(command, prepared, sent, deps.clock())
    await deps.attachments.put(object_key(row.reference, row.id, "original"), prepared.original)
    if prepared.thumb is not None:
        await deps.attachments.put(object_key(row.reference, row.id, "thumb"), prepared.thumb)
    async with uow.transaction() as conn:
        await store.lock_request(conn, row.reference)
        seen = await _seen(conn, command, sent)
        if seen is not None:  # the same upload, retried while this one was decoded
            return Attached(seen, replayed=True)
        await _room_for(conn, command)
        if not await store.add_attachment(conn, row, command.idempotency_key):
            seen = await _seen(conn, command, sent)
            assert seen is not None  # the key's row, written concurrently
            return Attached(seen, replayed=True)
        if prepared.position is not None and command.kind is Kind.PHOTO:
            await store.fill_position(conn, row.reference, prepared.position)
        await deps.outbox.stage(conn, _event(row), subject=row.reference, at=row.added_at)
    log.info("attachment added reference=%s kind=%s by %s", row.reference, row.kind, row.added_by)
    return Attached(row, replayed=False)


def _row(command: Attach, prepared: Prepared, sent: str, now: datetime) -> StoredAttachment:
    return StoredAttachment(
        id=str(uuid.uuid4()),
        reference=command.reference,
        kind=command.kind.value,
        document=command.document or None,
        content_type=prepared.content_type,
        bytes=len(prepared.original),
        sha256=prepared.sha256,
        width=prepared.width,
        height=prepared.height,
        public=False,
        added_by=command.caller.name,
        added_at=now,
        body_sha256=sent,
    )


def _event(row: StoredAttachment) -> AttachmentAdded:
    return AttachmentAdded(
        reference=row.reference,
        attachment_id=row.id,
        kind=row.kind,  # Kind's values, as stored
        content_type=row.content_type,
        bytes=row.bytes,
        sha256=row.sha256,
        added_at=row.added_at,
        document=row.document,
    )


async def _existing(conn: Connection, reference: str) -> requests_store.StoredRequest:
    found = await requests_store.find_request(conn, reference)
    if found is not None:
        return found
    lease = await device_store.lease_of(conn, reference)
    if lease is not None and not lease.used:
        raise NotYetReceived(
            f"request {reference} was logged on a field agent's device and has not reached "
            "the City yet: attach once it has (the app sends them after the request)"
        )
    raise NotFound(f"no request has reference {reference}")


async def _seen(conn: Connection, command: Attach, sent: str) -> StoredAttachment | None:
    key = command.idempotency_key
    if key is None:
        return None
    seen = await store.keyed_attachment(conn, command.caller.name, key)
    if seen is None:
        return None
    if seen.body_sha256 != sent or seen.reference != command.reference:
        raise IdempotencyConflict("upload")
    return seen


async def _room_for(conn: Connection, command: Attach) -> None:
    most = LIMITS[command.kind]
    if await store.count_of_kind(conn, command.reference, command.kind.value) >= most:
        raise RequestFull(
            f"request {command.reference} already has {most} {command.kind}s, as many as a "
            "request may have",
            "kind",
        )


async def list_attachments(
    command: Look, uow: UnitOfWork, deps: IntakeDeps
) -> list[StoredAttachment]:
    """What is attached to the request (not the bytes: nothing to audit)."""
    async with uow.reading() as conn:
        await _may_see(conn, command)
        return await store.attachments_of(conn, command.reference)


async def read_attachment(
    command: Look, uow: UnitOfWork, deps: IntakeDeps
) -> tuple[StoredAttachment, bytes]:
    """One attachment's bytes (its thumbnail, for a picture, with `thumb`); a document's
    read needs a reason and is audited before the bytes leave."""
    assert command.attachment_id is not None
    async with uow.reading() as conn:
        await _may_see(conn, command)
        found = await store.attachment(conn, command.reference, command.attachment_id)
    if found is None:
        raise NotFound(f"request {command.reference} has no attachment {command.attachment_id}")
    if found.kind == Kind.DOCUMENT and command.reason is None:
        raise Invalid("a document is read with a reason: say why (?reason=...)", "reason")
    if command.thumb and found.width is None:
        raise NotFound("a PDF has no thumbnail: read it whole")
    variant = "thumb" if command.thumb else "original"
    try:
        data = await deps.attachments.get(object_key(found.reference, found.id, variant))
    except ObjectMissing:
        raise NotFound(f"attachment {found.id}'s bytes are no longer kept") from None
    if found.kind == Kind.DOCUMENT:
        assert command.reason is not None
        async with uow.transaction() as conn:
            subject = f"{found.reference}/{found.id}"
            await deps.audit.record(
                conn, command.caller, "read document", subject, command.reason, deps.clock()
            )
    return found, data


async def _may_see(conn: Connection, command: Look) -> None:
    """Operators see every request's; a department only those of requests routed to it."""
    found = await _existing(conn, command.reference)
    caller = command.caller
    if caller.role is Role.OPERATOR:
        return
    if caller.role is Role.DEPARTMENT and found.department == caller.name:
        return
    raise NotYours(f"only the department of request {command.reference} and operators see this")
