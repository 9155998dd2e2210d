"""The open-data file's rows for a period."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from services.intake.open_data import store
from services.intake.open_data.domain import row
from services.intake.public.store import suburbs
from shared.use_case import Deps, UnitOfWork

__all__ = ["Period", "open_data_rows"]


@dataclass(frozen=True, slots=True)
class Period:
    start: dt.datetime
    end: dt.datetime  # not included


async def open_data_rows(command: Period, uow: UnitOfWork, deps: Deps) -> list[list[str]]:
    """The rows of the requests logged in the period, de-identified (public/domain.py)."""
    async with uow.reading() as conn:
        found, steps = await store.logged_in(conn, command.start, command.end)
        shown_as = await suburbs(conn, ((r.area, r.community) for r in found))
    return [row(r, steps[r.reference], shown_as[(r.area, r.community)]) for r in found]
