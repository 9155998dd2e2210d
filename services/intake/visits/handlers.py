"""The visits intake knows, as scheduling announced them: today's for the field app, and the
visit a request was taken at (a request written on paper there counts from that day)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from services.intake.visits import store
from shared.consumer import Batch
from shared.contracts.visits import VisitCancelled, VisitScheduled
from shared.use_case import UnitOfWork

if TYPE_CHECKING:
    import datetime as dt

    from shared.use_case import Deps

__all__ = ["VisitsWanted", "find_visits", "on_visit_announced", "on_visit_cancelled"]


@dataclass(frozen=True, slots=True)
class VisitsWanted:
    start: dt.date | None
    end: dt.date | None
    community: str | None


async def find_visits(command: VisitsWanted, uow: UnitOfWork, deps: Deps) -> list[store.Visit]:
    async with uow.reading() as conn:
        return await store.find(conn, command.start, command.end, command.community)


async def on_visit_announced(command: Batch[VisitScheduled], uow: UnitOfWork, deps: Deps) -> None:
    """Remember the visits scheduling announced (or moved), so a request can name the one it
    was logged at, and a typo in a visit id is refused at once."""
    async with uow.transaction() as conn:
        for item in command:
            await store.remember_scheduled(conn, item.data)


async def on_visit_cancelled(command: Batch[VisitCancelled], uow: UnitOfWork, deps: Deps) -> None:
    async with uow.transaction() as conn:
        for item in command:
            await store.remember_cancelled(conn, item.data)
