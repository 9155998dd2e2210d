"""The months whose plan is published."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.scheduling.store import plans
from shared.store import upsert_insert

__all__ = ["plan_published", "record_plan"]


async def plan_published(conn: AsyncConnection, month: str) -> bool:
    return await conn.scalar(select(plans.c.month).where(plans.c.month == month)) is not None


async def record_plan(conn: AsyncConnection, month: str, at: dt.datetime) -> None:
    await conn.execute(
        upsert_insert(conn, plans)
        .values(month=month, published_at=at)
        .on_conflict_do_update(index_elements=["month"], set_={"published_at": at})
    )
