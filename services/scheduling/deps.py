"""What scheduling's use cases reach (`SchedulingDeps`), and how a route gets it and the
store through FastAPI's `Depends`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from services.scheduling.metrics import SchedulingMetrics
from shared.service import use_cases
from shared.use_case import Deps, UseCases

__all__ = ["SchedulingDeps", "UseCasesDep"]


@dataclass(frozen=True, kw_only=True)
class SchedulingDeps(Deps):
    metrics: SchedulingMetrics


UseCasesDep = Annotated[UseCases[SchedulingDeps], Depends(use_cases(SchedulingDeps))]
"""The store and scheduling's deps, which a route runs its use cases with."""
