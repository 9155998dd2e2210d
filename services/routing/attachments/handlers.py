"""Attachments' use cases: keep what intake says was attached; read one's bytes from the
sealed object store for the request's department or the operators (a document only with a
reason, audited before the bytes leave); and the department's "make public" for a photo,
recorded and published once (`mobileoffice.request.photo_made_public.v1`)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Annotated, Final

from pydantic import Field, TypeAdapter, ValidationError

from services.routing import store
from services.routing.attachments import store as attachments_store
from services.routing.attachments.domain import (
    Attachment,
    NeverPublic,
    Variant,
)
from services.routing.deps import RoutingDeps
from services.routing.work.domain import NotTheirs
from shared.audit import REASON_MAX, AuditReason
from shared.auth import Caller
from shared.consumer import Batch
from shared.contracts.requests import AttachmentAdded
from shared.contracts.routing import PhotoMadePublic
from shared.objects import ObjectMissing, object_key
from shared.refusals import Invalid, NotFound
from shared.use_case import UnitOfWork

__all__ = [
    "Look",
    "MakePublic",
    "Read",
    "attachments_of",
    "keep_attachments",
    "make_photo_public",
    "read_attachment",
]

log = logging.getLogger(__name__)


async def keep_attachments(
    command: Batch[AttachmentAdded], uow: UnitOfWork, deps: RoutingDeps
) -> None:
    """What each attachment is, for the queue's request page (its bytes stay in the store)."""
    async with uow.transaction() as conn:
        for item in command:
            await attachments_store.keep(conn, item.data)


async def attachments_of(reference: str, uow: UnitOfWork, deps: RoutingDeps) -> list[Attachment]:
    """The request's attachments, oldest first (the request page has checked its reader)."""
    async with uow.reading() as conn:
        return await attachments_store.attachments_of(conn, reference)


@dataclass(frozen=True, slots=True)
class Look:
    reference: str
    attachment_id: str
    reader: Caller
    variant: Variant = "original"
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Read:
    attachment: Attachment
    data: bytes


async def read_attachment(command: Look, uow: UnitOfWork, deps: RoutingDeps) -> Read:
    reference, reader = command.reference, command.reader
    async with uow.reading() as conn:
        await store.request_for(conn, reference, reader)
        found = await attachments_store.find_attachment(conn, reference, command.attachment_id)
    if found is None:
        raise NotFound(f"request {reference} has no attachment {command.attachment_id}")
    if command.variant == "thumb" and found.pdf:
        raise NotFound("a PDF has no thumbnail: read it whole")
    if not found.photo:
        reason = _reason(command.reason)
        async with uow.transaction() as conn:
            about = f"{reference} document {found.attachment_id}"
            await deps.audit.record(conn, reader, "read document", about, reason, deps.clock())
    key = object_key(reference, found.attachment_id, command.variant)
    try:
        data = await deps.attachments.get(key)
    except ObjectMissing:
        raise NotFound(f"attachment {found.attachment_id} is no longer kept") from None
    return Read(found, data)


_REASON: Final = TypeAdapter(Annotated[AuditReason, Field(min_length=5, max_length=REASON_MAX)])


def _reason(typed: str) -> str:
    """Why a document is read, as the audit keeps it (as intake's route asks it)."""
    if not typed.strip():
        raise Invalid("a document is read only with a reason, which the audit keeps", "reason")
    try:
        return str(_REASON.validate_python(typed))
    except ValidationError as refused:
        why = str(refused.errors()[0]["msg"]).removeprefix("Value error, ")
        raise Invalid(f"the reason: {why}", "reason") from None


@dataclass(frozen=True, slots=True)
class MakePublic:
    reference: str
    attachment_id: str
    team: str  # the department asking
    by: str  # who in it (a member's own credential), for the record


async def make_photo_public(command: MakePublic, uow: UnitOfWork, deps: RoutingDeps) -> Attachment:
    """Only the request's department, only a photo; a photo already public stays as it was
    and nothing is published again."""
    reference = command.reference
    async with uow.transaction() as conn:
        request = await store.locked_request(conn, reference)
        if request.department != command.team:
            raise NotTheirs(f"request {reference} is not {command.team}'s")
        found = await attachments_store.find_attachment(conn, reference, command.attachment_id)
        if found is None:
            raise NotFound(f"request {reference} has no attachment {command.attachment_id}")
        if not found.photo:
            raise NeverPublic("a document is never made public: only photos of the fault are")
        if found.public:
            return found
        now = deps.clock()
        await attachments_store.make_public(conn, found.attachment_id, now, command.by)
        made = PhotoMadePublic(
            reference=reference,
            attachment_id=found.attachment_id,
            department=command.team,
            made_public_at=now,
        )
        await deps.outbox.stage(conn, made, subject=reference, at=now)
    log.info(
        "photo made public reference=%s id=%s by %s", reference, found.attachment_id, command.by
    )
    return replace(found, public_at=now, public_by=command.by)
