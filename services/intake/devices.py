"""The field app's devices: an agent pairs a tablet once with a short code from the office,
the device then holds its own credential, and a lease of reference numbers so that a resident
gets a valid number at the table with no signal. Intake accepts a leased number only from the
device it was leased to, once (a resend of the same request answers as the first time)."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from dataclasses import dataclass
from typing import Final

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncConnection

from services.intake import device_store
from shared.contracts.common import Line
from shared.credentials import hash_token
from shared.reference import LEASED, new_reference
from shared.refusals import Conflict, Invalid, NotFound
from shared.store import Database

__all__ = [
    "CODE_VALID",
    "LEASE_VALID",
    "LeaseAsked",
    "Leased",
    "Paired",
    "PairedDevice",
    "Pairing",
    "lease_references",
    "new_pairing_code",
    "pair",
    "revoke",
    "revoke_agent_devices",
    "still_on_a_device",
]

CODE_VALID: Final = dt.timedelta(minutes=10)
LEASE_VALID: Final = dt.timedelta(days=30)
DEVICE_VALID: Final = dt.timedelta(days=90)
_CODE_ALPHABET: Final = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # nothing read wrongly aloud


@dataclass(frozen=True, slots=True)
class Paired:
    device_id: str
    agent: str
    token: str
    expires_at: dt.datetime


async def new_pairing_code(db: Database, agent: str, now: dt.datetime) -> str:
    """A code the agent types into the app within 10 minutes, once."""
    code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))
    async with db.transaction() as conn:
        await device_store.add_pairing_code(conn, hash_token(code), agent, now + CODE_VALID)
    return code


async def pair(
    db: Database,
    code: str,
    name: str | None,
    now: dt.datetime,
    device_id: str | None = None,
    current_token: str | None = None,
) -> Paired:
    """A new device for the code's agent; or, when the app names the device it was and that
    device's pairing has expired (or the app shows its current credential), that same device
    with a new credential, so the numbers it leased and handed out while its queue waited
    are still its own. Naming another device that still works pairs a new one instead."""
    async with db.transaction() as conn:
        agent = await device_store.take_pairing_code(conn, hash_token(code.upper()), now)
        if agent is None:
            raise Invalid("is unknown, used or more than 10 minutes old: ask for a new one", "code")
        token = secrets.token_urlsafe(32)
        current = hash_token(current_token) if current_token else None
        if device_id is not None and await device_store.renew_device(
            conn, device_id, agent, hash_token(token), now + DEVICE_VALID, now, current
        ):
            return Paired(device_id, agent, token, now + DEVICE_VALID)
        paired = Paired(str(uuid.uuid4()), agent, token, now + DEVICE_VALID)
        await device_store.add_device(
            conn,
            {
                "id": paired.device_id,
                "agent": agent,
                "name": name,
                "token_hash": hash_token(paired.token),
                "created_at": now,
                "expires_at": paired.expires_at,
            },
        )
    return paired


async def lease_references(
    db: Database, device_id: str, count: int, now: dt.datetime
) -> tuple[list[str], dt.datetime]:
    """`count` fresh numbers for the device, valid for 30 days of handing out."""
    expires_at = now + LEASE_VALID
    leased: list[str] = []
    async with db.transaction() as conn:
        for _ in range(5):  # collisions are rare: a few more draws always suffice
            wanted = [new_reference(first_digits=LEASED) for _ in range(count - len(leased))]
            leased += await device_store.lease(conn, wanted, device_id, now, expires_at)
            if len(leased) == count:
                break
    return leased, expires_at


async def used_before(
    conn: AsyncConnection, reference: str, device: str | None, body_sha256: str
) -> bool:
    """Whether this very request already took the leased `reference` (True: answer it
    again); refused for another device's number, a number never leased, or the same number
    with another body. Reads only."""
    lease = await device_store.lease_of(conn, reference)
    if lease is None or device is None or lease.device_id != device:
        raise Invalid(
            "was not leased to this device: use one of the device's own numbers", "reference"
        )
    if lease.used and lease.body_sha256 != body_sha256:
        raise Conflict(f"reference {reference} was already used for another request")
    return lease.used


async def revoke(db: Database, device_id: str, now: dt.datetime) -> None:
    async with db.transaction() as conn:
        if not await device_store.revoke_device(conn, device_id, now):
            raise NotFound(f"no active device {device_id}")


async def revoke_agent_devices(db: Database, agent: str, now: dt.datetime) -> int:
    """Every device of an agent whose credential is revoked; returns how many were working."""
    async with db.transaction() as conn:
        return await device_store.revoke_devices_of(conn, agent, now)


async def still_on_a_device(db: Database, reference: str) -> bool:
    """Whether `reference` was leased to a device and has not reached intake yet."""
    async with db.reading() as conn:
        lease = await device_store.lease_of(conn, reference)
    return lease is not None and not lease.used


# --- what the API takes and answers ------------------------------------------------------


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
