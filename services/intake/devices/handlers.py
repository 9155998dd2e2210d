"""The field app's devices: an agent pairs a tablet once with a short code from the office,
the device then holds its own credential, and a lease of reference numbers so that a resident
gets a valid number at the table with no signal. Intake accepts a leased number only from the
device it was leased to, once (a resend of the same request answers as the first time).

These use cases need only the clock: operators' tools run them with `deps.tool_deps()`."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from dataclasses import dataclass

from services.intake.devices import store
from services.intake.devices.domain import (
    CODE_VALID,
    DEVICE_VALID,
    LEASE_VALID,
    Paired,
    new_code,
)
from shared.credentials import hash_token
from shared.reference import LEASED, new_reference
from shared.refusals import Invalid, NotFound
from shared.use_case import Deps, UnitOfWork

__all__ = [
    "LeaseWanted",
    "PairDevice",
    "Revoked",
    "lease_references",
    "new_pairing_code",
    "pair",
    "pairing_code_for",
    "revoke",
    "revoke_agent_devices",
    "revoke_lost",
    "still_on_a_device",
]


@dataclass(frozen=True, slots=True)
class PairDevice:
    code: str
    name: str | None = None
    device_id: str | None = None  # the device the app was before
    current_token: str | None = None  # the credential the app still sends, if any


@dataclass(frozen=True, slots=True)
class LeaseWanted:
    device_id: str
    count: int


@dataclass(frozen=True, slots=True)
class Revoked:
    device: store.Device
    numbers_held: list[str]  # leased, unused: the app may still have handed them out


async def pairing_code_for(agent: str, uow: UnitOfWork, deps: Deps) -> str:
    """A code for a new tablet of `agent` (the desk and the CLI): only for a field agent
    with a working token, whose tablet would otherwise pair and then be refused."""
    async with uow.reading() as conn:
        works = await store.agent_works(conn, agent, deps.clock())
    if not works:
        raise Invalid(
            f"is not a field agent with a working token: give {agent!r} one first "
            "(python -m deploy.credentials add NAME --role field-agent)",
            "agent",
        )
    return await new_pairing_code(agent, uow, deps)


async def revoke_lost(device_id: str, uow: UnitOfWork, deps: Deps) -> Revoked:
    """A lost tablet refused from now on (the doors' memory of it ends within 4 seconds), with
    the numbers it still held: they may still be handed out, and a request bearing one will be
    refused when it arrives from that tablet."""
    now = deps.clock()
    async with uow.transaction() as conn:
        device = await store.device_row(conn, device_id)
        if device is None or not await store.revoke_device(conn, device_id, now):
            raise NotFound(f"no active device {device_id}")
        held = await store.numbers_held(conn, device_id, now)
    return Revoked(device, held)


async def new_pairing_code(agent: str, uow: UnitOfWork, deps: Deps) -> str:
    """A code the agent types into the app within 10 minutes, once."""
    code = new_code()
    async with uow.transaction() as conn:
        await store.add_pairing_code(conn, hash_token(code), agent, deps.clock() + CODE_VALID)
    return code


async def pair(command: PairDevice, uow: UnitOfWork, deps: Deps) -> Paired:
    """A new device for the code's agent; or, when the app names the device it was and that
    device's pairing has expired (or the app shows its current credential), that same device
    with a new credential, so the numbers it leased and handed out while its queue waited
    are still its own. Naming another device that still works pairs a new one instead."""
    now = deps.clock()
    async with uow.transaction() as conn:
        agent = await store.take_pairing_code(conn, hash_token(command.code.upper()), now)
        if agent is None:
            raise Invalid("is unknown, used or more than 10 minutes old: ask for a new one", "code")
        token = secrets.token_urlsafe(32)
        shown = command.current_token
        current = hash_token(shown) if shown else None
        if command.device_id is not None and await store.renew_device(
            conn, command.device_id, agent, hash_token(token), now + DEVICE_VALID, now, current
        ):
            return Paired(command.device_id, agent, token, now + DEVICE_VALID)
        paired = Paired(str(uuid.uuid4()), agent, token, now + DEVICE_VALID)
        device = store.NewDevice(
            paired.device_id, agent, command.name, hash_token(token), now, paired.expires_at
        )
        await store.add_device(conn, device)
    return paired


async def lease_references(
    command: LeaseWanted, uow: UnitOfWork, deps: Deps
) -> tuple[list[str], dt.datetime]:
    """`count` fresh numbers for the device, valid for 30 days of handing out."""
    now = deps.clock()
    expires_at = now + LEASE_VALID
    leased: list[str] = []
    async with uow.transaction() as conn:
        for _ in range(5):  # collisions are rare: a few more draws always suffice
            wanted = [
                new_reference(first_digits=LEASED) for _ in range(command.count - len(leased))
            ]
            leased += await store.lease(conn, wanted, command.device_id, now, expires_at)
            if len(leased) == command.count:
                break
    return leased, expires_at


async def revoke(device_id: str, uow: UnitOfWork, deps: Deps) -> None:
    async with uow.transaction() as conn:
        if not await store.revoke_device(conn, device_id, deps.clock()):
            raise NotFound(f"no active device {device_id}")


async def revoke_agent_devices(agent: str, uow: UnitOfWork, deps: Deps) -> int:
    """Every device of an agent whose credential is revoked; returns how many were working."""
    async with uow.transaction() as conn:
        return await store.revoke_devices_of(conn, agent, deps.clock())


async def still_on_a_device(reference: str, uow: UnitOfWork, deps: Deps) -> bool:
    """Whether `reference` was leased to a device and has not reached intake yet."""
    async with uow.reading() as conn:
        lease = await store.lease_of(conn, reference)
    return lease is not None and not lease.used
