"""The tablets desk's reads (desk/pages.py, and the devices' CLI `devices AGENT`): the field
agents holding a working token, and every device with when it last sent something and how
many leased numbers it holds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select, true
from sqlalchemy.ext.asyncio import AsyncConnection

from services.intake.devices.store import devices, leases, working_token
from services.intake.store import credentials
from shared.store import as_utc

__all__ = ["DeskDevice", "desk_devices", "working_agents"]


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
