"""What attachments publish: that one was added (its id, kind, type, size and hash only)."""

from typing import Final

from pydantic import BaseModel

from shared.contracts.requests import AttachmentAdded

__all__ = ["PUBLISHES"]

PUBLISHES: Final[tuple[type[BaseModel], ...]] = (AttachmentAdded,)
