"""The requests Open311's reads show, with their histories, suburbs and public photos: a page
is two statements whatever its size, one for the requests (with what their suburbs and photos
need) and one for their histories."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.intake.attachments.store import attachments, public_photo_of
from services.intake.open311.domain import RequestsQuery
from services.intake.public.domain import blocks_from
from services.intake.public.store import with_suburb_counts
from services.intake.store import history, requests
from shared.contracts.common import FINISHED

__all__ = ["Found", "exists", "find"]


class PageRequest(NamedTuple):
    """What a page reads of a request: what its public view needs (public/domain.py,
    `StoredRequest`, and its suburb), and nothing of the person. A plain tuple, as
    `public_request` reads some 15 fields of each and a SQLAlchemy row's attribute costs ten
    times a tuple's."""

    reference: str
    category: str
    area: str
    community: str
    status: str
    channel: str
    service: str | None
    department: str | None
    lat: float | None
    lon: float | None
    due_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime


class PageStep(NamedTuple):
    """A step of a page's histories: a plain tuple, as `public_request` reads some 7 fields
    of each and a SQLAlchemy row's attribute costs ten times a tuple's."""

    reference: str
    status: str
    at: dt.datetime
    note: str | None
    cause: str | None


@dataclass(frozen=True, slots=True)
class Found:
    """A request of a page, with what its public view needs besides its history."""

    request: PageRequest
    community_requests: int  # the store's requests of its (area, community): its suburb
    photos: tuple[str, ...]  # the ids of its public photos, in the order they came


async def _histories(conn: AsyncConnection, references: Sequence[str]) -> dict[str, list[PageStep]]:
    """Each request's steps, oldest first: one query for a page."""
    h = history.c
    steps: dict[str, list[PageStep]] = defaultdict(list)
    found = await conn.execute(
        select(*(h[name] for name in PageStep._fields))
        .where(h.reference.in_(references))
        .order_by(h.at, h.id)
    )
    for step in map(PageStep._make, found.all()):  # all(): one fetch, not one a row
        steps[step.reference].append(step)
    return steps


async def find(
    conn: AsyncConnection, asked: RequestsQuery
) -> tuple[list[Found], dict[str, list[PageStep]]]:
    """Requests by reference, or else by code, period and status; newest first, one page;
    and each one's steps. The period is matched on the published 6-hour blocks: a narrower
    filter would tell a request's exact time by halving."""
    c = requests.c
    newest_first = (c.created_at.desc(), c.reference)
    query = select(*(c[name] for name in PageRequest._fields)).order_by(*newest_first)
    if asked.references:
        query = query.where(c.reference.in_(asked.references))
    else:
        first, after = blocks_from(asked.start, asked.end)
        query = query.where(c.created_at >= first, c.created_at < after)
        if asked.codes:
            query = query.where(c.category.in_(asked.codes))
        closed = [s.value for s in FINISHED]
        if asked.statuses and set(asked.statuses) == {"closed"}:
            query = query.where(c.status.in_(closed))
        elif asked.statuses and set(asked.statuses) == {"open"}:
            query = query.where(c.status.not_in(closed))
    offset = (asked.page - 1) * asked.page_size
    page = query.limit(asked.page_size).offset(offset).cte("page")
    a = attachments.c
    # One row per public photo (at most five a request), or one for a request without any.
    joined = (
        with_suburb_counts(page)
        .add_columns(a.id.label("photo"))
        .outerjoin(attachments, public_photo_of(page.c.reference))
        .order_by(page.c.created_at.desc(), page.c.reference, a.added_at, a.id)
    )
    by_reference: dict[str, tuple[PageRequest, int, list[str]]] = {}  # in the page's order
    for *fields, community_requests, photo in (await conn.execute(joined)).all():
        request = PageRequest._make(fields)
        _, _, photos = by_reference.setdefault(request.reference, (request, community_requests, []))
        if photo is not None:
            photos.append(photo)
    found = [
        Found(request, count, tuple(photos)) for request, count, photos in by_reference.values()
    ]
    steps = await _histories(conn, [f.request.reference for f in found]) if found else {}
    return found, steps


async def exists(conn: AsyncConnection, reference: str) -> bool:
    found = await conn.scalar(select(requests.c.reference).where(requests.c.reference == reference))
    return found is not None
