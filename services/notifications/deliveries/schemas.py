"""What was sent for a request, as an operator sees it."""
# No `from __future__ import annotations`: FastAPI resolves the body models at definition.

from pydantic import AwareDatetime, BaseModel, Field

__all__ = ["SentView"]


class SentView(BaseModel):
    channel: str | None
    to: str | None = Field(description="Masked: operators see which number, not all of it.")
    template: str
    language: str | None
    status: str
    attempts: int
    last_error: str | None
    created_at: AwareDatetime
    sent_at: AwareDatetime | None
