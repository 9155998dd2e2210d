"""The one shape of a use case, for HTTP and the bus alike:

    async def log_request(command: NewRequest, uow: UnitOfWork, deps: IntakeDeps) -> Logged

`command` is what was asked: a frozen dataclass or pydantic model (for the bus, the run of
received events of one type, oldest first). `uow` opens the transaction the use case owns;
`deps` carries the service's clock, its outbox and its other ports. A route runs it with the
service's `Database` as the unit of work (`UseCases.run`); a consumer's use case joins the
consumer's own transaction (the inbox claim commits with its effects, or neither does), which
`bind` arranges.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.clock import Clock
from shared.event_routes import AfterCommit, Batch, Handler
from shared.outbox import Outbox

__all__ = ["BusUseCase", "Clock", "Deps", "Joined", "UnitOfWork", "UseCases", "bind"]


class UnitOfWork(Protocol):
    def transaction(self) -> AbstractAsyncContextManager[AsyncConnection]:
        """Everything inside commits together or not at all."""

    def reading(self) -> AbstractAsyncContextManager[AsyncConnection]:
        """A connection for reads only."""


@dataclass(frozen=True, kw_only=True)
class Deps:
    """What every service's use cases reach: a service extends it with its own ports."""

    clock: Clock
    outbox: Outbox


class Joined:
    """The unit of work of a use case run by a consumer: its transaction is the consumer's,
    already open, and commits (with the inbox claims) when the consumer's batch does."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        yield self._conn

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncConnection]:
        yield self._conn


M = TypeVar("M", bound=BaseModel)
D = TypeVar("D", bound=Deps)
C = TypeVar("C")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class UseCases(Generic[D]):
    """What a route runs the service's use cases with: the service's database as their unit
    of work, and its deps (each service's `UseCasesDep` hands a route one)."""

    uow: UnitOfWork
    deps: D

    async def run(self, use_case: Callable[[C, UnitOfWork, D], Awaitable[R]], command: C) -> R:
        return await use_case(command, self.uow, self.deps)


BusUseCase = Callable[[Batch[M], UnitOfWork, D], Awaitable[AfterCommit | None]]


def bind(use_case: BusUseCase[M, D], deps: D) -> Handler[M]:
    """The consumer's handler for `use_case`: each run of events is the command, the
    consumer's open transaction the unit of work. May return a callback for after the commit."""

    async def handle(conn: AsyncConnection, items: Batch[M]) -> AfterCommit | None:
        return await use_case(items, Joined(conn), deps)

    handle.__name__ = handle.__qualname__ = use_case.__name__
    return handle
