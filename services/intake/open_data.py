"""The open-data file: the requests logged in a period, one row each, as RFC 4180 CSV with the
columns of the GeoReport bulk-data proposal and the City's own (docs/open-data.md says what
each holds). De-identified by public_view.py, as Open311's reads are: nothing of the person
and no free text (no name, number, address or account, no description, no notes), places at
the centre of their H3 cell, times in 6-hour blocks, small or odd communities merged.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Annotated, Any, Final

from fastapi import APIRouter, Query, Response
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.intake.public_view import PublicRequest, public_request, suburbs, w3c
from services.intake.store import history, requests
from shared.auth import PUBLIC
from shared.http import ApiError
from shared.store import Database

__all__ = [
    "COLUMNS",
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
SOURCES: Final = {"mobile-office": "Mobile Office", "open311": "Open311 partner"}


def bucket(at: dt.datetime | None) -> str:
    """`at` cut down to the start of its 6-hour block, as a W3C date-time in UTC."""
    return w3c(at) or ""


def _row(request: Any, steps: Sequence[Any], suburb: str) -> list[str]:
    shown: PublicRequest = public_request(request, steps, suburb)
    department, where = shown.department, shown.place
    within = "" if shown.within_standard is None else str(shown.within_standard).lower()
    return [
        shown.reference,
        shown.requested,
        shown.updated,
        shown.closed or "",
        shown.status.value,
        "",  # status_notes: teams' words may name people; left out
        SOURCES.get(shown.channel, shown.channel),
        shown.name,
        "",  # service_subtype: the City's categories have none
        shown.name,  # description: the category, never the resident's words
        department.name if department else "",
        shown.suburb,  # address: no street, no house; the suburb as published
        f"{where.lat:.6f}" if where else "",
        f"{where.lon:.6f}" if where else "",
        department.directorate if department else "",
        department.name if department else "",
        shown.suburb,
        where.cell if where else "",
        shown.due or "",
        within,
        shown.cause or "",
    ]


async def table(conn: AsyncConnection, start: dt.datetime, end: dt.datetime) -> list[list[str]]:
    """The rows of the requests logged from `start` up to (not including) `end`."""
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
    shown_as = await suburbs(conn, ((r.area, r.community) for r in found))
    return [_row(r, steps[r.reference], shown_as[(r.area, r.community)]) for r in found]


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
