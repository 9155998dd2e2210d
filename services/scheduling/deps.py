"""What scheduling's use cases reach (`SchedulingDeps`), and how a route gets it and the
store through FastAPI's `Depends`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from services.scheduling.metrics import SchedulingMetrics
from shared.service import DbDep, from_state
from shared.use_case import Deps

__all__ = ["DbDep", "DepsDep", "SchedulingDeps"]


@dataclass(frozen=True, kw_only=True)
class SchedulingDeps(Deps):
    metrics: SchedulingMetrics


DepsDep = Annotated[SchedulingDeps, Depends(from_state("deps", SchedulingDeps))]
