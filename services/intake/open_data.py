"""The open-data file: the requests logged in a period, one row each, as RFC 4180 CSV with the
columns of the GeoReport bulk-data proposal and the City's own (docs/open-data.md says what
each holds). De-identified as the City publishes its service-request data:

- nothing of the person and no free text: no name, number, address or account, no
  description (the category stands in its place), no notes of residents or teams;
- a place is the centre of its H3 level-8 cell (about 0.7 km²), never the point itself;
- every time is cut down to the start of its 6-hour block (UTC);
- a community with fewer than 5 requests in the period, or whose name holds a number or an
  `@` (a community is typed by hand), is shown as its area's "other communities".
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Annotated, Any, Final

import h3
from fastapi import APIRouter, Query, Response
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.intake.store import history, requests
from shared.auth import PUBLIC
from shared.catalogue import CATEGORIES, DEPARTMENTS
from shared.contracts.common import RequestStatus
from shared.http import ApiError
from shared.store import Database, as_utc

__all__ = [
    "COLUMNS",
    "H3_LEVEL",
    "SMALL_COMMUNITY",
    "as_csv",
    "bucket",
    "period",
    "routes",
    "table",
]

COLUMNS: Final = (
    # the GeoReport bulk-data proposal's
    "service_request_id",
    "requested_datetime",
    "updated_datetime",
    "closed_date",
    "status_description",
    "status_notes",
    "source",
    "service_name",
    "service_subtype",
    "description",
    "agency_responsible",
    "address",
    "lat",
    "long",
    # the City's
    "directorate",
    "department",
    "official_suburb",
    "h3_level8_index",
    "due_datetime",
    "closed_within_standard",
    "cause",
)
MOST_DAYS: Final = 366
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2999, 12, 31)  # no arithmetic past year 9999
H3_LEVEL: Final = 8
SMALL_COMMUNITY: Final = 5
BLOCK_HOURS: Final = 6
CLOSED: Final = frozenset({RequestStatus.RESOLVED, RequestStatus.CLOSED, RequestStatus.REFERRED})
SOURCES: Final = {"mobile-office": "Mobile Office", "open311": "Open311 partner"}
_NOT_A_PLACE: Final = re.compile(r"\d{3,}|@")
_NAMES: Final = {c.code: c.name_en for c in CATEGORIES}
_DEPARTMENTS: Final = {d.slug: d for d in DEPARTMENTS}


def bucket(at: dt.datetime | None) -> str:
    """`at` cut down to the start of its 6-hour block, as a W3C date-time in UTC."""
    if at is None:
        return ""
    at = as_utc(at).astimezone(dt.UTC)
    start = at.replace(hour=at.hour - at.hour % BLOCK_HOURS, minute=0, second=0, microsecond=0)
    return start.isoformat().replace("+00:00", "Z")


def _cell(lat: float | None, lon: float | None) -> tuple[str, str, str]:
    """The H3 level-8 cell of the point, and its centre: (index, lat, long)."""
    if lat is None or lon is None:
        return "", "", ""
    index = h3.latlng_to_cell(lat, lon, H3_LEVEL)
    centre_lat, centre_lon = h3.cell_to_latlng(index)
    return index, f"{centre_lat:.6f}", f"{centre_lon:.6f}"


def _suburbs(found: Sequence[Any]) -> dict[tuple[str, str], str]:
    """What each (area, community) is shown as: itself, or its area's other communities."""
    counts = Counter((r.area, r.community) for r in found)
    return {
        (area, community): community
        if count >= SMALL_COMMUNITY and not _NOT_A_PLACE.search(community)
        else f"{area.title()} (other communities)"
        for (area, community), count in counts.items()
    }


def _ending(steps: Sequence[Any], status: RequestStatus) -> tuple[dt.datetime | None, str]:
    """When the request was last closed, and why (if it stands closed)."""
    if status not in CLOSED:
        return None, ""
    closing = [s for s in steps if s.status in CLOSED]
    causes = [s.cause for s in steps if s.cause]
    return (as_utc(closing[-1].at) if closing else None), (causes[-1] if causes else "")


def _row(request: Any, steps: Sequence[Any], suburb: str) -> list[str]:
    status = RequestStatus(request.status)
    name = _NAMES.get(request.category, request.category)
    department = _DEPARTMENTS.get(request.department or "")
    closed_at, cause = _ending(steps, status)
    due_at = as_utc(request.due_at) if request.due_at else None
    within = "" if closed_at is None or due_at is None else str(closed_at <= due_at).lower()
    index, lat, lon = _cell(request.lat, request.lon)
    return [
        request.reference,
        bucket(request.created_at),
        bucket(request.updated_at),
        bucket(closed_at),
        status.value,
        "",  # status_notes: teams' words may name people; left out
        SOURCES.get(request.channel, request.channel),
        name,
        "",  # service_subtype: the City's categories have none
        name,  # description: the category, never the resident's words
        department.name if department else "",
        suburb,  # address: no street, no house; the suburb as published
        lat,
        lon,
        department.directorate if department else "",
        department.name if department else "",
        suburb,
        index,
        bucket(due_at),
        within,
        cause,
    ]


async def table(conn: AsyncConnection, start: dt.datetime, end: dt.datetime) -> list[list[str]]:
    """The rows of the requests logged from `start` up to (not including) `end`."""
    c = requests.c
    logged = (c.created_at >= start) & (c.created_at < end)
    found = (await conn.execute(select(requests).where(logged).order_by(c.created_at))).all()
    in_period = select(c.reference).where(logged)
    steps: dict[str, list[Any]] = defaultdict(list)
    for step in await conn.execute(
        select(history.c.reference, history.c.status, history.c.at, history.c.cause)
        .where(history.c.reference.in_(in_period))
        .order_by(history.c.at, history.c.id)
    ):
        steps[step.reference].append(step)
    suburbs = _suburbs(found)
    return [_row(r, steps[r.reference], suburbs[(r.area, r.community)]) for r in found]


def as_csv(rows: Iterable[Sequence[str]]) -> str:
    """RFC 4180: a header, CRLF line ends, fields quoted where they must be."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return out.getvalue()


def period(
    start: dt.date | None, to: dt.date | None, today: dt.date
) -> tuple[dt.datetime, dt.datetime]:
    """From the start of `start` to the end of `to` (UTC days; the last 30 days by default),
    at most MOST_DAYS days, or a 422 that says what to fix."""
    for name, day in (("from", start), ("to", to)):
        if day is not None and not EARLIEST <= day <= LATEST:
            message = f"must be a date from {EARLIEST} to {LATEST}"
            raise ApiError(422, "invalid_period", message, {name: message})
    to = to or today
    start = start or to - dt.timedelta(days=29)
    if start > to:
        raise ApiError(422, "invalid_period", "from is after to", {"from": "is after to"})
    if (to - start).days >= MOST_DAYS:
        message = f"a file covers at most {MOST_DAYS} days: ask for one year at a time"
        raise ApiError(422, "invalid_period", message, {"to": message})
    first = dt.datetime.combine(start, dt.time(), dt.UTC)
    return first, dt.datetime.combine(to + dt.timedelta(days=1), dt.time(), dt.UTC)


def routes(db: Database, clock: Callable[[], dt.datetime]) -> APIRouter:
    router = APIRouter(prefix="/v1/open-data")

    @router.get(
        "/requests.csv",
        dependencies=[PUBLIC],
        response_class=Response,
        responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
    )
    async def requests_csv(
        start: Annotated[dt.date | None, Query(alias="from")] = None,
        to: Annotated[dt.date | None, Query()] = None,
    ) -> Response:
        """The requests logged from `from` to `to` (dates, UTC; the last 30 days by
        default; at most a year), de-identified, as CSV (docs/open-data.md)."""
        first, end = period(start, to, clock().date())
        async with db.reading() as conn:
            rows = await table(conn, first, end)
        name = f"requests-{first.date()}-{(end - dt.timedelta(days=1)).date()}.csv"
        return Response(
            as_csv(rows),
            media_type="text/csv; charset=utf-8; header=present",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    return router
