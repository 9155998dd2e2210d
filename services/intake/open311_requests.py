"""Requests as Open311 GeoReport v2 shows them to anyone who asks: what was reported, where
in the city, when, and what became of it, but nothing of the person, and no more than the
open-data file shows of the same request (public_view.py de-identifies both): `description`
is the category and the suburb as the file publishes it, never the resident's words;
`address` is that suburb; `lat` and `long` the centre of the H3 cell; every time its 6-hour
block; status notes the departments' public notes that name no one."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.intake.public_view import (
    CLOSED,
    PublicRequest,
    blocks_from,
    public_request,
    suburbs,
)
from services.intake.store import history, requests

__all__ = ["find", "view"]


def view(shown: PublicRequest, extensions: bool) -> dict[str, Any]:
    """One request in GeoReport's fields (and, with `extensions`, ours)."""
    notes = shown.public_notes
    found: dict[str, Any] = {
        "service_request_id": shown.reference,
        "status": "closed" if shown.status in CLOSED else "open",
        "status_notes": notes[-1] if notes else None,
        "service_name": shown.name,
        "service_code": shown.category,
        "description": f"{shown.name} in {shown.suburb}",
        "agency_responsible": shown.department.name if shown.department else None,
        "service_notice": None,
        "requested_datetime": shown.requested,
        "updated_datetime": shown.updated,
        "expected_datetime": shown.due,
        "address": shown.suburb,
        "lat": shown.place.lat if shown.place else None,
        "long": shown.place.lon if shown.place else None,
        "media_url": None,
    }
    if extensions:
        found["extended_attributes"] = {
            "detailed_status": shown.status.value,
            "cause": shown.steps[-1].cause if shown.steps else None,
            "notes": [{"status": s.status, "at": s.at, "note": s.note} for s in shown.steps],
        }
    return found


async def _histories(conn: AsyncConnection, references: Sequence[str]) -> dict[str, list[Any]]:
    """Each request's steps, oldest first: one query for a page."""
    h = history.c
    steps: dict[str, list[Any]] = defaultdict(list)
    for step in await conn.execute(
        select(h.reference, h.status, h.at, h.note, h.cause)
        .where(h.reference.in_(references))
        .order_by(h.at, h.id)
    ):
        steps[step.reference].append(step)
    return steps


async def find(
    conn: AsyncConnection,
    *,
    references: Sequence[str] | None,
    codes: Sequence[str] | None,
    start: dt.datetime,
    end: dt.datetime,
    statuses: Sequence[str] | None,
    extensions: bool,
    page: int,
    page_size: int,
) -> list[dict[str, Any]]:
    """Requests by reference, or else by code, period and status; newest first, one page.
    The period is matched on the published 6-hour blocks: a narrower filter would tell a
    request's exact time by halving."""
    c = requests.c
    query = select(requests).order_by(c.created_at.desc(), c.reference)
    if references:
        query = query.where(c.reference.in_(references))
    else:
        first, after = blocks_from(start, end)
        query = query.where(c.created_at >= first, c.created_at < after)
        if codes:
            query = query.where(c.category.in_(codes))
        closed = [s.value for s in CLOSED]
        if statuses and set(statuses) == {"closed"}:
            query = query.where(c.status.in_(closed))
        elif statuses and set(statuses) == {"open"}:
            query = query.where(c.status.not_in(closed))
    rows = (await conn.execute(query.limit(page_size).offset((page - 1) * page_size))).all()
    steps = await _histories(conn, [r.reference for r in rows]) if rows else {}
    shown_as = await suburbs(conn, ((r.area, r.community) for r in rows))
    return [
        view(
            public_request(r, steps.get(r.reference, []), shown_as[(r.area, r.community)]),
            extensions,
        )
        for r in rows
    ]
