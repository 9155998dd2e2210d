"""Routing's part of a resident's privacy request (services/intake/privacy.py): once
notifications has answered with the resident's references, routing says what it holds of
them (access) or removes their descriptions, exact places and notes (erasure), keeping that each
request existed, its category, area, community, department and times, so the City's figures
and service standards still count it. Its answer goes on `mo.privacy.answers.routing`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.routing import store
from shared.consumer import Received
from shared.contracts.privacy import AccessAnswered, ErasureAnswered
from shared.events import new_event
from shared.outbox import enqueue
from shared.retention import ResidentDetails, deidentify
from shared.topics import source

__all__ = ["RESIDENT_DETAILS", "on_access_answered", "on_erasure_answered", "without_exact_place"]

SERVICE = "routing"


def without_exact_place(row: Any) -> dict[str, Any]:
    return {"location": {"area": row.area, "community": row.community}}


RESIDENT_DETAILS = ResidentDetails(
    store.requests, without_exact_place, store.status_history, own_words=("cause_detail",)
)
"""What erasure and the details' retention clear: descriptions, places, the cause's detail,
and every note of the history (teams' notes, triage reasons, residents' reopen reasons)."""


def _from_notifications(items: Sequence[Received[Any]]) -> list[Any]:
    """Only notifications' answers start routing's part (not routing's own, nor intake's)."""
    return [item.data for item in items if item.data.service == "notifications"]


async def on_access_answered(
    conn: AsyncConnection, items: Sequence[Received[AccessAnswered]]
) -> None:
    for answered in _from_notifications(items):
        c = store.requests.c
        query = select(func.count()).where(c.reference.in_(answered.references))
        found = int((await conn.execute(query)).scalar_one())
        held = {"requests with description and place": found} if found else {}
        mine = AccessAnswered(
            request_id=answered.request_id,
            service=SERVICE,
            references=answered.references,
            held=held,
            answered_at=answered.answered_at,
        )
        await enqueue(
            conn, store.outbox, new_event(mine, source(SERVICE), mine.request_id, mine.answered_at)
        )


async def on_erasure_answered(
    conn: AsyncConnection, items: Sequence[Received[ErasureAnswered]]
) -> None:
    for answered in _from_notifications(items):
        changed = await deidentify(conn, RESIDENT_DETAILS, answered.references)
        mine = ErasureAnswered(
            request_id=answered.request_id,
            service=SERVICE,
            references=answered.references,
            held={"descriptions and places removed": changed},
            answered_at=answered.answered_at,
        )
        await enqueue(
            conn, store.outbox, new_event(mine, source(SERVICE), mine.request_id, mine.answered_at)
        )
