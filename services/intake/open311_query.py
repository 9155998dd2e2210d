"""The query of Open311's `GET requests`: every parameter checked here, so a wrong one is the
specification's 400 with what to fix, never a 500. Periods are at most 90 days (the last 90
by default); pages are the common `page` and `page_size` extension."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Final

from services.intake.open311_format import Open311Error
from shared.catalogue import CATEGORY_CODES

__all__ = ["is_reference", "parse"]

MOST_DAYS: Final = 90
MOST_IDS: Final = 100
PAGE_SIZE: Final = 100
MOST_PAGE_SIZE: Final = 1000
_REFERENCE: Final = re.compile(r"^\d{10}$")
EARLIEST: Final = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
LATEST: Final = dt.datetime(3000, 1, 1, tzinfo=dt.UTC)


def is_reference(value: str) -> bool:
    return bool(_REFERENCE.match(value))


def _listed(value: str | None, name: str) -> list[str] | None:
    if value is None or value == "":
        return None
    if len(value) > 2000:
        raise Open311Error(400, f"{name} is too long")
    return [item.strip() for item in value.split(",") if item.strip()]


def _when(value: str | None, name: str) -> dt.datetime | None:
    """A W3C date-time in UTC, from 2000 to 2999 (so a period's arithmetic never runs past
    year 1 or 9999), or an Open311Error (400) naming the parameter."""
    if value is None:
        return None
    try:
        at = dt.datetime.fromisoformat(value[:40])
        at = (at if at.tzinfo else at.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)
    except ValueError:
        raise Open311Error(
            400, f"{name} is not a W3C date-time, e.g. 2030-03-01T00:00:00Z"
        ) from None
    except OverflowError:  # e.g. 9999-12-31T23:59:59-14:00 is in year 10000 in UTC
        at = None
    if at is None or not EARLIEST <= at < LATEST:
        raise Open311Error(400, f"{name} must be a date-time from 2000 to 2999")
    return at


def _whole(value: str | None, name: str, default: int, most: int) -> int:
    if value is None:
        return default
    if not value.isdigit() or not 1 <= int(value) <= most:
        raise Open311Error(400, f"{name} must be a whole number from 1 to {most}")
    return int(value)


def parse(asked: dict[str, str], now: dt.datetime) -> dict[str, Any]:
    """Keyword arguments for open311_requests.find, or an Open311Error (400)."""
    references = _listed(asked.get("service_request_id"), "service_request_id")
    if references is not None and (
        len(references) > MOST_IDS or not all(_REFERENCE.match(r) for r in references)
    ):
        raise Open311Error(400, f"service_request_id: up to {MOST_IDS} 10-digit references")
    codes = _listed(asked.get("service_code"), "service_code")
    if codes is not None and (unknown := sorted(set(codes) - CATEGORY_CODES)):
        raise Open311Error(400, f"service_code {', '.join(unknown)[:20]!r} is not one of ours")
    statuses = _listed(asked.get("status"), "status")
    if statuses is not None and not set(statuses) <= {"open", "closed"}:
        raise Open311Error(400, "status is open, closed, or both")
    start = _when(asked.get("start_date"), "start_date")
    end = _when(asked.get("end_date"), "end_date")
    span = dt.timedelta(days=MOST_DAYS)
    end = end or (start + span if start else now)
    start = start or end - span
    if start > end:
        raise Open311Error(400, "start_date is after end_date")
    if end - start > span:
        raise Open311Error(400, f"start_date and end_date are at most {MOST_DAYS} days apart")
    return {
        "references": references,
        "codes": codes,
        "start": start,
        "end": end,
        "statuses": statuses,
        "extensions": asked.get("extensions", "false").lower() == "true",
        "page": _whole(asked.get("page"), "page", 1, 100_000),
        "page_size": _whole(asked.get("page_size"), "page_size", PAGE_SIZE, MOST_PAGE_SIZE),
    }
