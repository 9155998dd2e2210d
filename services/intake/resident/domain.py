"""The resident's pages' rules: which language a page speaks, and which visit is the next.
Pure: no I/O."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final, Protocol, TypeVar

from shared.contracts.visits import VisitStatus
from shared.languages import chosen_language

__all__ = [
    "MOST_BYTES",
    "ResidentLinks",
    "chosen_language",
    "coming",
    "next_visit",
    "served_and_announced",
    "typed_reference",
]

MOST_BYTES: Final = 30 * 1024
"""A page with its CSS weighs at most this: a resident's data costs money."""


@dataclass(frozen=True, slots=True)
class ResidentLinks:
    """Where the visits page sends a resident: scheduling's calendar and notifications' form
    door (their public addresses, without a final /); and the communities it lists, the City's
    list (deploy/communities.yaml)."""

    scheduling: str = "http://127.0.0.1:8004"
    notifications: str = "http://127.0.0.1:8003"
    communities: tuple[tuple[str, str], ...] = ()  # (area, community): every one it serves


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


def served_and_announced(
    served: Iterable[tuple[str, str]], announced: Iterable[tuple[str, str]]
) -> list[tuple[str, str]]:
    """(area, community) of every community the Mobile Office serves (the City's list) and of
    any other a visit was announced to, each once (case aside), by name."""
    known: dict[str, tuple[str, str]] = {}
    for area, community in (*served, *announced):
        known.setdefault(community.casefold(), (area, community))
    return sorted(known.values(), key=lambda place: place[1].casefold())


_PASTED: Final = re.compile(r"^\s*(ref|verw|inombolo)\b[\s.:#-]*", re.IGNORECASE)


def typed_reference(text: str) -> str:
    """A reference as typed or pasted from an SMS: a leading "Ref", "Verw" or "Inombolo" (the
    SMS's own word before the number) is left out."""
    return _PASTED.sub("", text).strip().rstrip(".:").strip()
