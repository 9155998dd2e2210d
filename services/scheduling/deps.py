"""What scheduling's use cases reach (`SchedulingDeps`), and how a route gets it and the
store through FastAPI's `Depends`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, cast

from fastapi import Depends, Request

from services.scheduling.metrics import SchedulingMetrics
from shared.store import Database
from shared.use_case import Deps

__all__ = ["DbDep", "DepsDep", "SchedulingDeps"]


@dataclass(frozen=True, kw_only=True)
class SchedulingDeps(Deps):
    metrics: SchedulingMetrics


def _deps(request: Request) -> SchedulingDeps:
    return cast(SchedulingDeps, request.app.state.deps)


def _db(request: Request) -> Database:
    return cast(Database, request.app.state.db)


DepsDep = Annotated[SchedulingDeps, Depends(_deps)]
DbDep = Annotated[Database, Depends(_db)]
