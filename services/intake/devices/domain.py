"""The field app's devices, as rules: how long a code, a device and a lease work, what a
pairing code looks like, and which leased numbers a request may take."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Final, Protocol

from shared.refusals import Conflict, Invalid

__all__ = [
    "CODE_VALID",
    "DEVICE_VALID",
    "LEASE_VALID",
    "LeaseSeen",
    "Paired",
    "new_code",
    "pairing_link",
    "used_before",
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


def new_code() -> str:
    """A pairing code: 8 characters an agent types (or hears) without a mistake."""
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))


def pairing_link(service_address: str, code: str) -> str:
    """The field app's address with the code in its fragment, for the desk's QR code: the
    app fills the code in, and a fragment never reaches a server's logs."""
    return f"{service_address.rstrip('/')}/field/#code={code}"


class LeaseSeen(Protocol):
    """A leased number as the store holds it (devices/store.py's Lease)."""

    @property
    def device_id(self) -> str: ...
    @property
    def used(self) -> bool: ...
    @property
    def body_sha256(self) -> str | None: ...


def used_before(
    lease: LeaseSeen | None, reference: str, device: str | None, body_sha256: str
) -> bool:
    """Whether this very request already took the leased `reference` (True: answer it
    again); refused for another device's number, a number never leased, or the same number
    with another body."""
    if lease is None or device is None or lease.device_id != device:
        raise Invalid(
            "was not leased to this device: use one of the device's own numbers", "reference"
        )
    if lease.used and lease.body_sha256 != body_sha256:
        raise Conflict(f"reference {reference} was already used for another request")
    return lease.used
