"""What the devices' routes take and answer."""

from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.contracts.common import Line

__all__ = ["LeaseAsked", "Leased", "NewPairingCode", "PairedDevice", "Pairing"]


class Pairing(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    code: str = Field(min_length=8, max_length=8, pattern=r"^[A-Za-z0-9]+$")
    name: Line | None = Field(None, max_length=100, description="What to call the device.")
    device_id: str | None = Field(
        None,
        max_length=36,
        description="The device this app was paired as before (its pairing expired): the same "
        "agent's device keeps its id and its leased numbers.",
    )


class NewPairingCode(BaseModel):
    code: str = Field(description="Type it into the field app on the device to pair, once.")
    expires_at: AwareDatetime


class PairedDevice(BaseModel):
    device_id: str
    agent: str
    token: str = Field(description="The device's credential: shown once, keep it on the device.")
    expires_at: AwareDatetime


class LeaseAsked(BaseModel):
    model_config = ConfigDict(extra="forbid")

    count: int = Field(50, ge=1, le=100)


class Leased(BaseModel):
    references: list[str]
    expires_at: AwareDatetime = Field(description="Hand them out until then.")
