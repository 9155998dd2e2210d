"""The devices' store: pairing codes, the field app's devices and their credentials, and
the reference numbers leased to each device for when it has no signal."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from sqlalchemy import (
    Column,
    ColumnElement,
    DateTime,
    String,
    Table,
    and_,
    exists,
    false,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from services.intake.store import credentials, metadata, requests
from shared.credentials import Holder, Role
from shared.store import as_utc, find_row, upsert_insert

__all__ = [
    "Device",
    "Lease",
    "NewDevice",
    "add_device",
    "add_pairing_code",
    "agent_works",
    "device_holder",
    "device_row",
    "lease",
    "lease_of",
    "numbers_held",
    "renew_device",
    "revoke_device",
    "revoke_devices_of",
    "take_pairing_code",
    "use_lease",
    "working_token",
]

pairing_codes = Table(
    "pairing_codes",
    metadata,
    Column("code_hash", String(64), primary_key=True),
    Column("agent", String(100), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True)),
)

devices = Table(
    "devices",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("agent", String(100), nullable=False, index=True),
    Column("name", String(100)),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
)

leases = Table(
    "reference_leases",
    metadata,
    Column("reference", String(10), primary_key=True),
    Column("device_id", String(36), nullable=False, index=True),
    Column("leased_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True)),
    Column("body_sha256", String(64)),  # of the request that used it: a resend must match
)


@dataclass(frozen=True, slots=True)
class Device:
    id: str
    agent: str
    name: str | None
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked: bool


@dataclass(frozen=True, slots=True)
class NewDevice:
    id: str
    agent: str
    name: str | None
    token_hash: str
    created_at: dt.datetime
    expires_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Lease:
    reference: str
    device_id: str
    used: bool
    body_sha256: str | None


async def add_pairing_code(
    conn: AsyncConnection, code_hash: str, agent: str, expires_at: dt.datetime
) -> None:
    await conn.execute(
        pairing_codes.insert().values(code_hash=code_hash, agent=agent, expires_at=expires_at)
    )


async def take_pairing_code(conn: AsyncConnection, code_hash: str, now: dt.datetime) -> str | None:
    """The agent a working code pairs for, using it up; None for a wrong, used or old code."""
    agent = await conn.scalar(
        update(pairing_codes)
        .where(
            pairing_codes.c.code_hash == code_hash,
            pairing_codes.c.used_at.is_(None),
            pairing_codes.c.expires_at > now,
        )
        .values(used_at=now)
        .returning(pairing_codes.c.agent)
    )
    return None if agent is None else str(agent)


async def add_device(conn: AsyncConnection, device: NewDevice) -> None:
    await conn.execute(devices.insert().values(asdict(device)))


def working_token(now: dt.datetime) -> ColumnElement[bool]:
    """A credentials row of a field agent's token that works `now` (a paired device works
    only while its agent holds one)."""
    return and_(
        credentials.c.role == Role.FIELD_AGENT.value,
        credentials.c.revoked_at.is_(None),
        or_(credentials.c.expires_at.is_(None), credentials.c.expires_at > now),
    )


def _working_agent(agent: ColumnElement[str], now: dt.datetime) -> ColumnElement[bool]:
    """Whether `agent` holds a working field agent's token `now`."""
    return exists().where(credentials.c.holder == agent, working_token(now))


async def agent_works(conn: AsyncConnection, agent: str, now: dt.datetime) -> bool:
    """Whether `agent` is a field agent with a working token (whose tablets may pair)."""
    found = await conn.scalar(
        select(credentials.c.holder)
        .where(working_token(now), credentials.c.holder == agent)
        .limit(1)
    )
    return found is not None


async def numbers_held(conn: AsyncConnection, device_id: str, now: dt.datetime) -> list[str]:
    """The numbers leased to the device that no request has used and whose lease still runs:
    the app may still hand them out to residents."""
    found = await conn.scalars(
        select(leases.c.reference)
        .where(
            leases.c.device_id == device_id,
            leases.c.used_at.is_(None),
            leases.c.expires_at > now,
        )
        .order_by(leases.c.reference)
    )
    return list(found)


async def device_row(conn: AsyncConnection, device_id: str) -> Device | None:
    row = await find_row(conn, devices, id=device_id)
    if row is None:
        return None
    return Device(
        row.id,
        row.agent,
        row.name,
        as_utc(row.created_at),
        as_utc(row.expires_at),
        row.revoked_at is not None,
    )


async def device_holder(conn: AsyncConnection, token_hash: str, now: dt.datetime) -> Holder | None:
    """A device's credential as a field agent's, for the doors: it works only while its
    agent holds a working token, so revoking the agent stops their tablets too."""
    agent_works = _working_agent(devices.c.agent, now)
    row = (
        await conn.execute(
            select(devices, agent_works.label("agent_works")).where(
                devices.c.token_hash == token_hash
            )
        )
    ).one_or_none()
    if row is None:
        return None
    return Holder(
        row.agent,
        Role.FIELD_AGENT,
        row.revoked_at is not None or not row.agent_works,
        as_utc(row.expires_at),
        device=row.id,
    )


async def renew_device(
    conn: AsyncConnection,
    device_id: str,
    agent: str,
    token_hash: str,
    expires_at: dt.datetime,
    now: dt.datetime,
    current_token_hash: str | None = None,
) -> bool:
    """A new credential for the agent's own device whose pairing expired (or whose current
    credential is shown), unless it was revoked: a live device's id alone takes nothing."""
    shown = devices.c.token_hash == current_token_hash if current_token_hash else false()
    result = await conn.execute(
        update(devices)
        .where(
            devices.c.id == device_id,
            devices.c.agent == agent,
            devices.c.revoked_at.is_(None),
            or_(devices.c.expires_at <= now, shown),
        )
        .values(token_hash=token_hash, expires_at=expires_at)
    )
    return bool(result.rowcount)


async def revoke_device(conn: AsyncConnection, device_id: str, now: dt.datetime) -> bool:
    return bool(await _revoke(conn, devices.c.id == device_id, now))


async def revoke_devices_of(conn: AsyncConnection, agent: str, now: dt.datetime) -> int:
    """Revoke every device still working for `agent`; returns how many."""
    return await _revoke(conn, devices.c.agent == agent, now)


async def _revoke(conn: AsyncConnection, which: ColumnElement[bool], now: dt.datetime) -> int:
    """Revoke the devices `which` picks that are not revoked yet; returns how many."""
    result = await conn.execute(
        update(devices).where(which, devices.c.revoked_at.is_(None)).values(revoked_at=now)
    )
    return int(result.rowcount or 0)


async def lease(
    conn: AsyncConnection,
    references: list[str],
    device_id: str,
    now: dt.datetime,
    expires_at: dt.datetime,
) -> list[str]:
    """Lease those of `references` no one holds yet (no lease, no request); returns them."""
    taken = set(
        await conn.scalars(select(requests.c.reference).where(requests.c.reference.in_(references)))
    )
    fresh = [r for r in dict.fromkeys(references) if r not in taken]
    if not fresh:
        return []
    rows = [
        {"reference": r, "device_id": device_id, "leased_at": now, "expires_at": expires_at}
        for r in fresh
    ]
    inserted = await conn.execute(
        upsert_insert(conn, leases).on_conflict_do_nothing().returning(leases.c.reference), rows
    )
    return list(inserted.scalars())


async def lease_of(conn: AsyncConnection, reference: str) -> Lease | None:
    row = await find_row(conn, leases, reference=reference)
    if row is None:
        return None
    return Lease(row.reference, row.device_id, row.used_at is not None, row.body_sha256)


async def use_lease(
    conn: AsyncConnection, reference: str, body_sha256: str, now: dt.datetime
) -> bool:
    """Mark a leased number used by this request; False if it was used meanwhile."""
    result = await conn.execute(
        update(leases)
        .where(leases.c.reference == reference, leases.c.used_at.is_(None))
        .values(used_at=now, body_sha256=body_sha256)
    )
    return bool(result.rowcount)
