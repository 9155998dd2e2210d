"""Lists come in pages: every list endpoint takes `limit` (default 100, at most 1,000) and
`cursor`, and when there is more it answers the next page's cursor in the `Next-Cursor`
header and a `Link: <...>; rel="next"` to it. The body stays the list itself. A cursor is the
last item's sort key, opaque to clients, so a page does not shift when items are added."""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Final, TypeVar

from fastapi import Depends, Query, Request, Response

from shared.refusals import Invalid

__all__ = [
    "Cursor",
    "Limit",
    "Paging",
    "PagingDep",
    "after",
    "date_span",
    "decode",
    "encode",
    "page",
    "paged",
    "send_next",
]

T = TypeVar("T")
DEFAULT: Final = 100
MOST: Final = 1000

Limit = Annotated[
    int,
    Query(ge=1, le=MOST, description=f"Items in a page: {DEFAULT} unless said, at most {MOST}."),
]
Cursor = Annotated[
    str | None,
    Query(max_length=500, description="The Next-Cursor of the page before; none for the first."),
]


def encode(key: Sequence[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode().rstrip("=")


NOT_OURS: Final = "is not a cursor this service gave: start again without it"


def decode(cursor: str | None, shape: Sequence[type] | None = None) -> list[Any] | None:
    """The sort key a cursor holds, or a 422 naming `cursor`. Every key this service gives is
    a short list of strings and whole numbers; with `shape`, the key must have exactly those
    types (a cursor of another list, or one edited by hand, is refused, never compared)."""
    if cursor is None:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, RecursionError):
        raise Invalid(NOT_OURS, "cursor") from None
    if not isinstance(key, list) or not key or not all(map(_plain, key)):
        raise Invalid(NOT_OURS, "cursor")
    if shape is not None and [type(v) for v in key] != list(shape):
        raise Invalid(NOT_OURS, "cursor")
    return key


def _plain(value: Any) -> bool:
    return type(value) in (str, int)  # not bool, float, None, a list or an object


def after(key: Sequence[Any] | None, item_key: Sequence[Any]) -> bool:
    return key is None or list(item_key) > list(key)


def page(
    items: Sequence[T], key: Callable[[T], Sequence[Any]], limit: int, cursor: str | None
) -> tuple[list[T], str | None]:
    """One page of `items` (already in `key` order) and the next page's cursor, if any."""
    shape = [type(v) for v in key(items[0])] if items else None
    start = decode(cursor, shape)
    rest = [item for item in items if after(start, key(item))]
    chosen = rest[:limit]
    more = len(rest) > limit
    return chosen, encode(key(chosen[-1])) if more and chosen else None


def send_next(request: Request, response: Response, cursor: str | None) -> None:
    if cursor is None:
        return
    response.headers["Next-Cursor"] = cursor
    url = request.url.include_query_params(cursor=cursor)
    response.headers["Link"] = f'<{url.path}?{url.query}>; rel="next"'


def paged(
    request: Request,
    response: Response,
    items: Sequence[T],
    limit: int,
    cursor: str | None,
    key: Callable[[T], Sequence[Any]] | None = None,
) -> list[T]:
    """The page of `items` to answer, its next cursor set on `response`. Without `key`, an
    item's place in the list is its key (for lists that only grow at the end)."""
    if key is None:
        places = {id(item): place for place, item in enumerate(items)}
        key = lambda item: [places[id(item)]]  # noqa: E731
    chosen, following = page(items, key, limit, cursor)
    send_next(request, response, following)
    return chosen


def date_span(start: dt.date | None, end: dt.date | None) -> tuple[dt.date | None, dt.date | None]:
    """A list's `from` and `to`, or a 422 when `from` comes after `to`."""
    if start and end and start > end:
        raise Invalid("is after `to`: give the earlier day first", field="from")
    return start, end


@dataclass(frozen=True, slots=True)
class Paging:
    """A list route's `limit` and `cursor`, and where the next page's cursor goes: a route takes
    it as `paging: PagingDep` instead of four parameters of its own."""

    request: Request
    response: Response
    limit: int
    cursor: str | None

    def of(self, items: Sequence[T], key: Callable[[T], Sequence[Any]] | None = None) -> list[T]:
        """The page of `items` to answer (see `paged`)."""
        return paged(self.request, self.response, items, self.limit, self.cursor, key)

    def after(self, shape: Sequence[type]) -> list[Any] | None:
        """For a list read a page at a time (keyset): the key to read after (see `decode`)."""
        return decode(self.cursor, shape)

    def keyset(self, found: Sequence[T], key: Callable[[T], Sequence[Any]]) -> list[T]:
        """The page of a keyset read that asked for one more than `limit`: `found` up to the
        limit, and the next cursor when there was more."""
        chosen = list(found[: self.limit])
        more = len(found) > self.limit  # a limit is at least 1: chosen is not empty
        send_next(self.request, self.response, encode(key(chosen[-1])) if more else None)
        return chosen


def _paging(
    request: Request, response: Response, limit: Limit = DEFAULT, cursor: Cursor = None
) -> Paging:
    return Paging(request, response, limit, cursor)


PagingDep = Annotated[Paging, Depends(_paging)]
