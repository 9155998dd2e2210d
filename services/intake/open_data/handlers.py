"""The open-data file's rows for a period, a chunk at a time."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass

from services.intake.open_data import store
from services.intake.open_data.domain import row
from services.intake.public.domain import shown_as
from services.intake.public.store import COMMUNITY_REQUESTS
from shared.use_case import Deps, UnitOfWork

__all__ = ["Period", "open_data_rows"]


@dataclass(frozen=True, slots=True)
class Period:
    start: dt.datetime
    end: dt.datetime  # not included
    chunk: int = store.CHUNK  # requests read at a time


async def open_data_rows(
    command: Period, uow: UnitOfWork, deps: Deps
) -> AsyncIterator[list[list[str]]]:
    """The rows of the requests logged in the period, de-identified (public/domain.py), a
    chunk at a time: the store is read as the rows are taken, on one connection held until
    the last (or until the taker stops), so memory stays that of one chunk."""
    return _chunks(command, uow)


async def _chunks(command: Period, uow: UnitOfWork) -> AsyncIterator[list[list[str]]]:
    async with uow.reading() as conn:
        async for found, steps in store.logged_in(conn, command.start, command.end, command.chunk):
            yield [
                row(
                    r,
                    steps[r.reference],
                    shown_as(r.area, r.community, r._mapping[COMMUNITY_REQUESTS]),
                )
                for r in found
            ]
