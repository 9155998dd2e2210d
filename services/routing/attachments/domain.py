"""A request's attachments as routing sees them: what each is (never its bytes), and who may
see or publish it. The request's department and operators see them (a document only with a
reason, audited); only the department may make a photo public, after looking at it;
documents never are."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal

from shared.refusals import Conflict

__all__ = ["CONFIRM", "Attachment", "NeverPublic", "Variant"]

Variant = Literal["original", "thumb"]

CONFIRM: Final = "no face, number plate or paper in it"
"""What the department confirms before a photo is made public (the page's sentence)."""


@dataclass(frozen=True, slots=True)
class Attachment:
    attachment_id: str
    reference: str
    kind: str  # photo or document
    content_type: str
    bytes: int
    sha256: str
    added_at: datetime
    public_at: datetime | None = None
    public_by: str | None = None
    document: str | None = None  # the application's paper a document shows

    @property
    def photo(self) -> bool:
        return self.kind == "photo"

    @property
    def public(self) -> bool:
        return self.public_at is not None

    @property
    def pdf(self) -> bool:
        return self.content_type == "application/pdf"


class NeverPublic(Conflict):
    """A document (or anything but a photo) asked to be made public: a 409."""
