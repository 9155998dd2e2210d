"""The open-data file: the requests logged in a period, one row each, as RFC 4180 CSV with the
columns of the GeoReport bulk-data proposal and the City's own (docs/open-data.md says what
each holds). De-identified by public/domain.py, as Open311's reads are: nothing of the person
and no free text (no name, number, address or account, no description, no notes), places at
the centre of their H3 cell, times in 6-hour blocks, small or odd communities merged.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Sequence
from typing import Final

from services.intake.public.domain import (
    PublicRequest,
    StoredRequest,
    StoredStep,
    public_request,
    w3c,
)
from shared.refusals import Invalid

__all__ = ["COLUMNS", "InvalidPeriod", "as_csv", "as_csv_chunks", "bucket", "period", "row"]


class InvalidPeriod(Invalid):
    """A period the open-data file cannot cover: a 422 naming `from` or `to`."""

    code = "invalid_period"


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


def row(request: StoredRequest, steps: Sequence[StoredStep], suburb: str) -> list[str]:
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
        request.service or "",  # service_subtype: an application's service (its type)
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


def _csv(rows: Iterable[Sequence[str]]) -> str:
    """RFC 4180: CRLF line ends, fields quoted where they must be."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def as_csv(rows: Iterable[Sequence[str]]) -> str:
    """RFC 4180: a header, CRLF line ends, fields quoted where they must be."""
    return _csv(itertools.chain([COLUMNS], rows))


async def as_csv_chunks(chunks: AsyncIterable[Sequence[Sequence[str]]]) -> AsyncIterator[str]:
    """The same text as `as_csv` of all the chunks' rows, given out a chunk at a time: the
    header, then each chunk's lines as soon as it is read."""
    yield _csv([COLUMNS])
    async for rows in chunks:
        yield _csv(rows)


def period(
    start: dt.date | None, to: dt.date | None, today: dt.date
) -> tuple[dt.datetime, dt.datetime]:
    """From the start of `start` to the end of `to` (UTC days; the last 30 days by default),
    at most MOST_DAYS days, or a 422 that says what to fix."""
    for name, day in (("from", start), ("to", to)):
        if day is not None and not EARLIEST <= day <= LATEST:
            message = f"must be a date from {EARLIEST} to {LATEST}"
            raise InvalidPeriod(message, field=name)
    to = to or today
    start = start or to - dt.timedelta(days=29)
    if start > to:
        raise InvalidPeriod("from is after to", field="from")
    if (to - start).days >= MOST_DAYS:
        message = f"a file covers at most {MOST_DAYS} days: ask for one year at a time"
        raise InvalidPeriod(message, field="to")
    first = dt.datetime.combine(start, dt.time(), dt.UTC)
    return first, dt.datetime.combine(to + dt.timedelta(days=1), dt.time(), dt.UTC)
