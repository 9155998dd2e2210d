"""The tablets desk's reads (devices/pages.py, and the CLI's `devices AGENT`): the field
agents holding a working token, every device with when it last sent something and how many
leased numbers it holds, and the numbers a revoked device still held."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select, true
from sqlalchemy.ext.asyncio import AsyncConnection

from services.intake.devices.store import Device, devices, leases, working_token
from services.intake.store import credentials
from shared.store import as_utc, find_row

__all__ = [
    "DeskDevice",
    "agent_works",
    "desk_devices",
    "device_row",
    "numbers_held",
    "working_agents",
]


@dataclass(frozen=True, slots=True)
class DeskDevice:
    """A device as the operators' desk shows it: when it last sent something (a request with
    one of its leased numbers, or a lease asked for) and how many numbers it still holds."""

    id: str
    agent: str
    name: str | None
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None
    last_sent_at: dt.datetime | None
    numbers_held: int


async def agent_works(conn: AsyncConnection, agent: str, now: dt.datetime) -> bool:
    """Whether `agent` is a field agent with a working token (whose tablets may pair)."""
    found = await conn.scalar(
        select(credentials.c.holder)
        .where(working_token(now), credentials.c.holder == agent)
        .limit(1)
    )
    return found is not None


async def working_agents(conn: AsyncConnection, now: dt.datetime) -> list[str]:
    """The field agents holding a working token, by name."""
    found = await conn.scalars(
        select(credentials.c.holder)
        .where(working_token(now))
        .distinct()
        .order_by(credentials.c.holder)
    )
    return list(found)


async def desk_devices(
    conn: AsyncConnection, now: dt.datetime, device_id: str | None = None
) -> list[DeskDevice]:
    """Every device (or only `device_id`), by agent then pairing time, with its last sending
    and the numbers it holds (leased, unused, not expired)."""
    last_used = (
        select(leases.c.device_id, func.max(leases.c.used_at).label("used"))
        .group_by(leases.c.device_id)
        .subquery()
    )
    last_leased = (
        select(leases.c.device_id, func.max(leases.c.leased_at).label("leased"))
        .group_by(leases.c.device_id)
        .subquery()
    )
    held = (
        select(leases.c.device_id, func.count().label("held"))
        .where(leases.c.used_at.is_(None), leases.c.expires_at > now)
        .group_by(leases.c.device_id)
        .subquery()
    )
    rows = await conn.execute(
        select(devices, last_used.c.used, last_leased.c.leased, held.c.held)
        .outerjoin(last_used, last_used.c.device_id == devices.c.id)
        .outerjoin(last_leased, last_leased.c.device_id == devices.c.id)
        .outerjoin(held, held.c.device_id == devices.c.id)
        .where(true() if device_id is None else devices.c.id == device_id)
        .order_by(devices.c.agent, devices.c.created_at)
    )
    found = []
    for r in rows:
        sent = [as_utc(t) for t in (r.used, r.leased) if t is not None]
        found.append(
            DeskDevice(
                r.id,
                r.agent,
                r.name,
                as_utc(r.created_at),
                as_utc(r.expires_at),
                None if r.revoked_at is None else as_utc(r.revoked_at),
                max(sent) if sent else None,
                int(r.held or 0),
            )
        )
    return found


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
