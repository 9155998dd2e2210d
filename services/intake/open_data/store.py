"""The requests logged in a period, with their histories, for the open-data file."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.intake.store import history, requests

__all__ = ["logged_in"]


async def logged_in(
    conn: AsyncConnection, start: dt.datetime, end: dt.datetime
) -> tuple[list[Any], dict[str, list[Any]]]:
    """The rows of the requests logged from `start` up to (not including) `end`, oldest
    first, and each one's steps (status, at, note, cause), oldest first."""
    c = requests.c
    logged = (c.created_at >= start) & (c.created_at < end)
    found = (await conn.execute(select(requests).where(logged).order_by(c.created_at))).all()
    in_period = select(c.reference).where(logged)
    steps: dict[str, list[Any]] = defaultdict(list)
    for step in await conn.execute(
        select(history.c.reference, history.c.status, history.c.at, history.c.note, history.c.cause)
        .where(history.c.reference.in_(in_period))
        .order_by(history.c.at, history.c.id)
    ):
        steps[step.reference].append(step)
    return list(found), steps
