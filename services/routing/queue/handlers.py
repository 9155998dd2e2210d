"""The work queue's use cases: a team's requests, soonest due first, and one request's file
(its history and the requests joined to it). A department sees only its own; operators see
every department and the unroutable ones. Residents joined to a request are counted."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from services.routing import store
from services.routing.deps import RoutingDeps
from services.routing.queue import store as queue_store
from services.routing.queue.domain import Forbidden, RequestFile
from services.routing.queue.store import QueueFilter
from shared.consumer import Received
from shared.contracts.requests import FollowerJoined
from shared.credentials import Role
from shared.refusals import NotFound
from shared.use_case import UnitOfWork

__all__ = ["FileQuery", "QueueQuery", "count_joined", "request_file", "work_queue"]


@dataclass(frozen=True, slots=True)
class QueueQuery:
    chosen: QueueFilter
    limit: int
    after: list[Any] | None = None
    reopened_first: bool = False


@dataclass(frozen=True, slots=True)
class FileQuery:
    reference: str
    team: str
    role: Role


async def work_queue(
    command: QueueQuery, uow: UnitOfWork, deps: RoutingDeps
) -> list[store.RoutedRequest]:
    async with uow.reading() as conn:
        return await queue_store.queue(
            conn, command.chosen, command.limit, command.after, command.reopened_first
        )


async def request_file(command: FileQuery, uow: UnitOfWork, deps: RoutingDeps) -> RequestFile:
    reference = command.reference
    async with uow.reading() as conn:
        found = await store.find_request(conn, reference)
        if found is None:
            raise NotFound(f"no request has reference {reference}")
        if command.role is not Role.OPERATOR and found.department != command.team:
            raise Forbidden(f"request {reference} belongs to another department")
        history = await queue_store.history_of(conn, reference)
        duplicates = await queue_store.duplicates_of(conn, reference)
        affected = await queue_store.affected(conn, [reference, *duplicates])
    return RequestFile(found, history, duplicates, affected)


async def count_joined(
    command: Sequence[Received[FollowerJoined]], uow: UnitOfWork, deps: RoutingDeps
) -> None:
    """Counted, so the department sees how many residents a request affects."""
    async with uow.transaction() as conn:
        for item in command:
            await queue_store.join(conn, item.data.reference, item.data.joined_at)
