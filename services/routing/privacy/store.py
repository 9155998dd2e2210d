"""What routing holds of a resident, and what erasure and the details' retention clear:
descriptions, places, the cause's detail, and every note of the history (teams' notes, triage
reasons, residents' reopen reasons)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.routing.store import requests, status_history
from shared.retention import ResidentDetails

__all__ = ["RESIDENT_DETAILS", "held_count", "without_exact_place"]


def without_exact_place(row: Any) -> dict[str, Any]:
    return {"location": {"area": row.area, "community": row.community}}


RESIDENT_DETAILS = ResidentDetails(
    requests, without_exact_place, status_history, own_words=("cause_detail", "answers")
)
"""What erasure and the details' retention clear: descriptions, places, the cause's detail,
applications' answers, and every note of the history (teams' notes, triage reasons,
residents' reopen reasons)."""


async def held_count(conn: AsyncConnection, references: list[str]) -> tuple[int, int]:
    """How many of `references` routing holds (with their descriptions and places), and how
    many of them are applications with their answers."""
    c = requests.c
    query = select(func.count(), func.count(c.answers)).where(c.reference.in_(references))
    held, answered = (await conn.execute(query)).one()
    return int(held), int(answered)
