"""The resident's pages' rules: which language a page speaks, and which visit is the next.
Pure: no I/O."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Protocol, TypeVar

from shared.contracts.common import Language
from shared.contracts.visits import VisitStatus

__all__ = ["MOST_BYTES", "ResidentLinks", "chosen_language", "coming", "next_visit"]

MOST_BYTES: Final = 30 * 1024
"""A page with its CSS weighs at most this: a resident's data costs money."""


@dataclass(frozen=True, slots=True)
class ResidentLinks:
    """Where the visits page sends a resident: scheduling's calendar and notifications' form
    door (their public addresses, without a final /)."""

    scheduling: str = "http://127.0.0.1:8004"
    notifications: str = "http://127.0.0.1:8003"


_RANGE: Final = re.compile(
    r"^\s*([A-Za-z]{1,8})(?:-[A-Za-z0-9]{1,8})*\s*(?:;\s*q\s*=\s*([0-9.]+))?"
)


def chosen_language(asked: str | None, accept_language: str | None) -> Language:
    """`?lang=` when it names one of the three; else the browser's most wanted of them
    (`Accept-Language`, q-values respected, `af-ZA` counts as `af`); else English."""
    if asked:
        try:
            return Language(asked.strip().lower())
        except ValueError:
            pass
    best: tuple[float, int, Language] | None = None
    for place, part in enumerate((accept_language or "").split(",")[:20]):
        found = _RANGE.match(part)
        if not found:
            continue
        try:
            language = Language(found.group(1).lower())
            weight = float(found.group(2)) if found.group(2) else 1.0
        except ValueError:
            continue
        if weight > 0 and (best is None or (weight, -place) > (best[0], best[1])):
            best = (weight, -place, language)
    return best[2] if best else Language.EN


class Visit(Protocol):
    @property
    def status(self) -> VisitStatus: ...
    @property
    def date(self) -> dt.date: ...


V = TypeVar("V", bound=Visit)


def coming(visits: Sequence[V], today: dt.date) -> list[V]:
    """The visits from today on, soonest first (cancelled ones kept: a resident who planned
    to come must learn it is off)."""
    return sorted((v for v in visits if v.date >= today), key=lambda v: v.date)


def next_visit(visits: Sequence[V], today: dt.date) -> V | None:
    """The first visit from today on that still stands."""
    standing = [v for v in coming(visits, today) if v.status is VisitStatus.SCHEDULED]
    return standing[0] if standing else None
