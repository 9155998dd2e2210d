"""What asking to reopen a request takes."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.common import Text

__all__ = ["Reopening"]


class Reopening(BaseModel):
    """The body of POST /v1/requests/{reference}/reopen."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: Text = Field(
        min_length=3, max_length=500, description="The resident's words: what is still wrong."
    )
