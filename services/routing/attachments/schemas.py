"""The API's answer about a photo made public."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from services.routing.attachments.domain import CONFIRM, Attachment

__all__ = ["MadePublic", "on_page"]


def on_page(attached: list[Attachment], *, publishes: bool) -> dict[str, Any]:
    """What the queue's request page shows of them: photos as thumbnails (with "Make public"
    for the request's department), documents as links read with a reason."""
    return {
        "photos": [a for a in attached if a.photo],
        "documents": [a for a in attached if not a.photo],
        "publishes": publishes,
        "confirm": CONFIRM,
    }


class MadePublic(BaseModel):
    reference: str
    attachment_id: str
    public: bool = Field(description="Always true: the photo is public from now on.")
    made_public_at: datetime
    made_public_by: str

    @classmethod
    def of(cls, found: Attachment) -> MadePublic:
        assert found.public_at is not None and found.public_by is not None
        return cls(
            reference=found.reference,
            attachment_id=found.attachment_id,
            public=True,
            made_public_at=found.public_at,
            made_public_by=found.public_by,
        )
