"""The SMS gateway's reply, as it posts it."""
# No `from __future__ import annotations`: FastAPI resolves the body models at definition.

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.common import Phone

__all__ = ["InboundSms"]


class InboundSms(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    sender: Phone = Field(alias="from")
    text: str = Field(max_length=1600)
    timestamp: str | float = Field(
        description="When the gateway received it: RFC 3339 with a UTC offset, or Unix "
        "seconds; more than 5 minutes off is refused (401), and so is a body taken before."
    )
