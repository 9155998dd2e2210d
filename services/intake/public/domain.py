"""What anyone may learn of a request: the one de-identification behind everything intake
publishes, the open-data file (open_data/) and Open311's reads (open311/), so
that joining the two on `service_request_id` shows nothing that either hides
(docs/open-data.md says what and why):

- a place is the centre of its H3 level-8 cell (about 0.7 km²), never the point itself;
- every time is cut down to the start of its 6-hour block (UTC);
- a community with fewer than 5 requests in the store, or whose name holds a number or an
  `@` (a community is typed by hand), is shown as its area's "other communities". Counted
  over the store rather than over a file's period, so a request shows the same suburb in
  every file and every Open311 answer: a per-period count lets two overlapping files
  disagree, and joining them on the id would undo the merge;
- a text holding a run of 5 or more digits (a phone, an account or an ID number, however
  separated) or an e-mail address (`@`, `(at)`, `[at]`) is not published at all;
- a photo is shown only once its department made it public (it looked: no face, number
  plate or paper in it), by its address alone (`photo_url`): its bytes were stripped of every
  metadata block (GPS, camera, times) when it was attached, and who added it and when are
  not shown. A document is never shown.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final, Protocol

import h3

from shared.catalogue import CATEGORIES, DEPARTMENTS, Department
from shared.contracts.common import FINISHED, RequestStatus
from shared.store import as_utc

__all__ = [
    "BLOCK_HOURS",
    "H3_LEVEL",
    "SMALL_COMMUNITY",
    "Place",
    "PublicRequest",
    "PublicStep",
    "StoredRequest",
    "StoredStep",
    "block",
    "blocks_from",
    "photo_url",
    "place",
    "public_request",
    "public_text",
    "shown_as",
    "w3c",
]

H3_LEVEL: Final = 8
SMALL_COMMUNITY: Final = 5
BLOCK_HOURS: Final = 6

_BLOCK: Final = dt.timedelta(hours=BLOCK_HOURS)
# Each hour's block start as `w3c` writes it after the date: "T06:00:00Z" for 06:00 to 11:59.
_BLOCK_STARTS: Final = tuple(f"T{hour - hour % BLOCK_HOURS:02d}:00:00Z" for hour in range(24))
# Whatever people put between digits (`082,555,0199`, `082|555|0199`): everything but letters
# and digits is taken out before looking for a run of digits.
_SEPARATORS: Final = re.compile(r"[\W_]")
_PERSONAL: Final = re.compile(r"\d{5,}|[@\uff20\ufe6b]|[(\[{<]\s*at\s*[)\]}>]", re.IGNORECASE)
_SPELLED_EMAIL: Final = re.compile(r"\w\s+at\s+\w+(\s+dot\s+\w+)+", re.IGNORECASE)
_NUMBER_IN_A_NAME: Final = re.compile(r"\d{3,}")
_NAMES: Final = {c.code: c.name_en for c in CATEGORIES}
_DEPARTMENTS: Final = {d.slug: d for d in DEPARTMENTS}


def public_text(text: str | None) -> str | None:
    """`text` when it may be published; None when it holds a run of 5+ digits or an e-mail
    address, once separators are taken out (`082/555/0199`, `082,555,0199`, `name(at)gmail.com`,
    `name at gmail dot com`)."""
    if not text:
        return None
    if _PERSONAL.search(text) or _SPELLED_EMAIL.search(text):
        return None
    if re.search(r"\d{5,}", _SEPARATORS.sub("", text)):
        return None
    return text


def block(at: dt.datetime) -> dt.datetime:
    """`at` cut down to the start of its 6-hour block, in UTC."""
    at = as_utc(at).astimezone(dt.UTC)
    return at.replace(hour=at.hour - at.hour % BLOCK_HOURS, minute=0, second=0, microsecond=0)


def blocks_from(start: dt.datetime, end: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The exact times whose blocks fall from `start` to `end` (both included), as
    [first, after): a filter on them tells no more than the blocks themselves."""
    first = block(start)
    return (first if first == start else first + _BLOCK), block(end) + _BLOCK


def w3c(at: dt.datetime | None) -> str | None:
    """A time as published: its block, as a W3C date-time in UTC (as `block` cuts it, written
    straight from its fields: a page of 1,000 requests writes some 7,000 of them)."""
    if at is None:
        return None
    if at.tzinfo is not None and at.utcoffset():  # naive ones are UTC already (as_utc)
        at = at.astimezone(dt.UTC)
    return at.date().isoformat() + _BLOCK_STARTS[at.hour]


@dataclass(frozen=True, slots=True)
class Place:
    cell: str  # the H3 level-8 index
    lat: float  # its centre, to 6 decimals
    lon: float


def place(lat: float | None, lon: float | None) -> Place | None:
    if lat is None or lon is None:
        return None
    cell = h3.latlng_to_cell(lat, lon, H3_LEVEL)
    centre_lat, centre_lon = h3.cell_to_latlng(cell)
    return Place(cell, round(centre_lat, 6), round(centre_lon, 6))


@lru_cache(maxsize=4096)  # a page of 1,000 requests holds some hundred suburbs
def shown_as(area: str, community: str, count: int) -> str:
    named = count >= SMALL_COMMUNITY and not _NUMBER_IN_A_NAME.search(community)
    return community if named and public_text(community) else f"{area.title()} (other communities)"


@dataclass(frozen=True, slots=True)
class PublicStep:
    status: str
    at: str  # its block
    note: str | None  # a department's public note, when it names no one
    cause: str | None


@dataclass(frozen=True, slots=True)
class PublicRequest:
    reference: str
    category: str
    name: str  # the category's English name: stands in for the resident's words
    status: RequestStatus
    channel: str
    department: Department | None
    suburb: str
    place: Place | None
    requested: str
    updated: str
    due: str | None
    closed: str | None  # when it last became resolved, closed or referred, if it stands so
    cause: str | None  # why, then
    within_standard: bool | None  # closed by its due time (on the exact times), if both
    steps: tuple[PublicStep, ...]
    photos: tuple[str, ...] = ()  # the ids of its public photos, in the order they came

    @property
    def public_notes(self) -> list[str]:
        return [s.note for s in self.steps if s.note]


class StoredRequest(Protocol):
    """A row of `requests`, as public_request reads it."""

    @property
    def reference(self) -> str: ...
    @property
    def category(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def channel(self) -> str: ...
    @property
    def service(self) -> str | None: ...
    @property
    def department(self) -> str | None: ...
    @property
    def lat(self) -> float | None: ...
    @property
    def lon(self) -> float | None: ...
    @property
    def created_at(self) -> dt.datetime: ...
    @property
    def updated_at(self) -> dt.datetime: ...
    @property
    def due_at(self) -> dt.datetime | None: ...


class StoredStep(Protocol):
    """A step of a request's history, as public_request reads it."""

    @property
    def status(self) -> str: ...
    @property
    def at(self) -> dt.datetime: ...
    @property
    def note(self) -> str | None: ...
    @property
    def cause(self) -> str | None: ...


def photo_url(base_url: str, reference: str, photo_id: str, thumb: bool = False) -> str:
    """Where anyone reads a public photo (`base_url`: the service's own, without a final /)."""
    url = f"{base_url}/v1/requests/{reference}/photos/{photo_id}"
    return f"{url}?size=thumb" if thumb else url


def public_request(
    row: StoredRequest, steps: Sequence[StoredStep], suburb: str, photos: Sequence[str] = ()
) -> PublicRequest:
    """A stored request (a row of `requests`), its history (rows with status, at, note and
    cause, oldest first), its suburb (from public/store.py, `suburbs`) and the ids of its
    public photos, as anyone may see it."""
    status = RequestStatus(row.status)
    closing = [as_utc(s.at) for s in steps if s.status in FINISHED] if status in FINISHED else []
    causes = [s.cause for s in steps if s.cause] if status in FINISHED else []
    due = as_utc(row.due_at) if row.due_at else None
    return PublicRequest(
        reference=row.reference,
        category=row.category,
        name=_NAMES.get(row.category, row.category),
        status=status,
        channel=row.channel,
        department=_DEPARTMENTS.get(row.department or ""),
        suburb=suburb,
        place=place(row.lat, row.lon),
        requested=str(w3c(row.created_at)),
        updated=str(w3c(row.updated_at)),
        due=w3c(due),
        closed=w3c(closing[-1]) if closing else None,
        cause=causes[-1] if causes else None,
        within_standard=closing[-1] <= due if closing and due else None,
        steps=tuple(
            PublicStep(s.status, str(w3c(s.at)), public_text(s.note), s.cause) for s in steps
        ),
        photos=tuple(photos),
    )
