"""Photos of faults anyone may see: a department looks at a photo (no face, number plate or
paper in it) and marks it public (`photo_made_public`, from routing); intake then serves its
bytes, already stripped of every metadata block when it was attached, to anyone. Documents
are never public, and nothing tells a private photo from one that does not exist."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from services.intake.attachments import store
from services.intake.attachments.store import StoredAttachment
from shared.consumer import Batch
from shared.contracts.routing import PhotoMadePublic
from shared.events import InvalidEvent
from shared.objects import ObjectMissing, object_key
from shared.refusals import NotFound
from shared.use_case import UnitOfWork

if TYPE_CHECKING:
    from services.intake.deps import IntakeDeps

__all__ = ["PublicPhoto", "on_photo_made_public", "read_public_photo"]

log = logging.getLogger(__name__)


async def on_photo_made_public(
    command: Batch[PhotoMadePublic], uow: UnitOfWork, deps: IntakeDeps
) -> None:
    """Each photo named becomes public (again: no change). A document named is refused
    (dead-lettered, and stays private); an attachment intake no longer has (erased, or past
    its retention) is skipped."""
    async with uow.transaction() as conn:
        for item in command:
            made = item.data
            kind = await store.make_public(conn, made.reference, made.attachment_id)
            if kind == "document":
                raise InvalidEvent(
                    f"attachment {made.attachment_id} of {made.reference} is a document: "
                    "documents are never made public"
                )
            if kind is None:
                log.info(
                    "photo made public that intake does not keep reference=%s attachment=%s",
                    made.reference,
                    made.attachment_id,
                )


@dataclass(frozen=True, slots=True)
class PublicPhoto:
    reference: str
    photo_id: str
    thumb: bool = False


async def read_public_photo(
    command: PublicPhoto, uow: UnitOfWork, deps: IntakeDeps
) -> tuple[StoredAttachment, bytes]:
    """A public photo's bytes (its thumbnail with `thumb`); NotFound for anything else,
    the same for a private photo, a document, an unknown id or an unknown request."""
    async with uow.reading() as conn:
        found = await store.public_photo(conn, command.reference, command.photo_id)
    missing = NotFound(f"request {command.reference} has no public photo of that id")
    if found is None:
        raise missing
    variant = "thumb" if command.thumb else "original"
    try:
        data = await deps.attachments.get(object_key(found.reference, found.id, variant))
    except ObjectMissing:
        raise missing from None
    return found, data
