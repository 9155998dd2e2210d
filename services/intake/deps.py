"""What intake's use cases reach (`IntakeDeps`: the clock, the outbox and intake's own ports),
and the FastAPI dependencies through which a route gets them from the app (`app.state`, set
by shared/service.py and app.py), so tests can override any of them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends

from services.intake import store
from services.intake.metrics import IntakeMetrics
from services.intake.requests.store import RequestWriter
from services.intake.resident.domain import ResidentLinks
from shared.audit import Audit
from shared.identifiers import IdentifierKey
from shared.limits import MissLimiter
from shared.objects import ObjectStore
from shared.service import from_state, use_cases
from shared.service_catalogue import Catalogue
from shared.use_case import Clock, Deps, UseCases

__all__ = [
    "IntakeDeps",
    "LookupsDep",
    "UseCasesDep",
    "get_deps",
    "get_lookups",
    "tool_deps",
    "wall_clock",
]


@dataclass(frozen=True, kw_only=True)
class IntakeDeps(Deps):
    new_reference: Callable[[], str]
    writer: RequestWriter  # new requests, several to a transaction
    metrics: IntakeMetrics
    audit: Audit  # reads of residents' descriptions and places, privacy requests
    identifiers: IdentifierKey  # residents' numbers as keyed hashes (privacy requests)
    jurisdiction: str  # Open311's jurisdiction_id
    attachments: ObjectStore  # photos' and documents' bytes, apart from the database
    catalogue: Catalogue  # the services residents can ask for, and applications' rules
    links: ResidentLinks = field(default_factory=ResidentLinks)  # the resident's pages' links


get_deps = from_state("deps", IntakeDeps)
get_lookups = from_state("lookups", MissLimiter)
"""One tally of a client's misses (unknown references, codes, Open311 ids and tokens)."""

UseCasesDep = Annotated[UseCases[IntakeDeps], Depends(use_cases(IntakeDeps))]
"""The store and intake's deps, which a route runs its use cases with."""
LookupsDep = Annotated[MissLimiter, Depends(get_lookups)]


def wall_clock() -> datetime:
    """The time now: the clock of a running service and of operators' tools."""
    return datetime.now(UTC)


def tool_deps(clock: Clock = wall_clock) -> Deps:
    """What an operator's tool (devices/cli.py, deploy/) runs intake's clock-only use cases
    with: the clock, and intake's outbox."""
    return Deps(clock=clock, outbox=store.outbox)
