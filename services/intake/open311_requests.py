"""Requests as Open311 GeoReport v2 shows them to anyone who asks: what was reported, where
in the city, when, and what became of it, but nothing of the person. `description` is not the
resident's words (they may name people or give a number): it says the category and the
community. The point is snapped to a grid of about 500 m, as the City's open data does, so a
request does not lead to a front door. Status notes are the departments' public notes only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.intake.store import request_history, requests
from shared.catalogue import CATEGORIES, DEPARTMENTS
from shared.contracts.common import RequestStatus
from shared.store import as_utc

__all__ = ["CLOSED", "GRID_DEGREES", "find", "view"]

GRID_DEGREES: Final = 0.005  # about 550 m of latitude, 470 m of longitude in Cape Town
CLOSED: Final = frozenset({RequestStatus.RESOLVED, RequestStatus.CLOSED, RequestStatus.REFERRED})
_NAMES: Final = {c.code: c.name_en for c in CATEGORIES}
_AGENCIES: Final = {d.slug: d.name for d in DEPARTMENTS}


def _iso(at: dt.datetime) -> str:
    return as_utc(at).isoformat().replace("+00:00", "Z")


def _snapped(value: float | None) -> float | None:
    if value is None:
        return None
    return round(round(value / GRID_DEGREES) * GRID_DEGREES, 4)


def view(row: Any, notes: Sequence[dict[str, Any]], extensions: bool) -> dict[str, Any]:
    """One request in GeoReport's fields (and, with `extensions`, ours)."""
    status = RequestStatus(row.status)
    name = _NAMES.get(row.category, row.category)
    public_notes = [n for n in notes if n["note"]]
    found: dict[str, Any] = {
        "service_request_id": row.reference,
        "status": "closed" if status in CLOSED else "open",
        "status_notes": public_notes[-1]["note"] if public_notes else None,
        "service_name": name,
        "service_code": row.category,
        "description": f"{name} in {row.community}",
        "agency_responsible": _AGENCIES.get(row.department or "", None),
        "service_notice": None,
        "requested_datetime": _iso(row.created_at),
        "updated_datetime": _iso(row.updated_at),
        "expected_datetime": _iso(row.due_at) if row.due_at else None,
        "address": f"{row.community}, {row.area}",
        "lat": _snapped(row.lat),
        "long": _snapped(row.lon),
        "media_url": None,
    }
    if extensions:
        found["extended_attributes"] = {
            "detailed_status": status.value,
            "cause": notes[-1]["cause"] if notes else None,
            "notes": [
                {"status": n["status"], "at": _iso(n["at"]), "note": n["note"]} for n in notes
            ],
        }
    return found


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
    """Requests by reference, or else by code, period and status; newest first, one page."""
    c = requests.c
    query = select(requests).order_by(c.created_at.desc(), c.reference)
    if references:
        query = query.where(c.reference.in_(references))
    else:
        query = query.where(c.created_at >= start, c.created_at <= end)
        if codes:
            query = query.where(c.category.in_(codes))
        closed = [s.value for s in CLOSED]
        if statuses and set(statuses) == {"closed"}:
            query = query.where(c.status.in_(closed))
        elif statuses and set(statuses) == {"open"}:
            query = query.where(c.status.not_in(closed))
    rows = (await conn.execute(query.limit(page_size).offset((page - 1) * page_size))).all()
    return [view(row, await request_history(conn, row.reference), extensions) for row in rows]
