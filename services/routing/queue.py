"""The work queue's use cases: a team's requests, soonest due first, and one request's file
(its history and the requests joined to it). A department sees only its own; operators see
every department and the unroutable ones."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.routing import queue_store, store
from services.routing.queue_store import QueueFilter, Step
from services.routing.store import RoutedRequest
from shared.credentials import Role
from shared.refusals import NotFound, Refusal
from shared.store import Database

__all__ = ["Forbidden", "RequestFile", "request_file", "work_queue"]


class Forbidden(Refusal):
    status, code = 403, "forbidden"


@dataclass(frozen=True, slots=True)
class RequestFile:
    request: RoutedRequest
    history: list[Step]
    duplicates: list[str]
    affected: int  # residents: its own, those joined to it, and those of its duplicates


def scope(chosen: QueueFilter, team: str, role: Role) -> QueueFilter:
    """A department's view is its own requests whatever it asks; an operator's is any."""
    if role is Role.OPERATOR:
        return chosen
    return QueueFilter(
        team, chosen.area, chosen.community, chosen.category, chosen.status, chosen.priority
    )


async def work_queue(
    db: Database,
    chosen: QueueFilter,
    limit: int,
    after: list[Any] | None = None,
    reopened_first: bool = False,
) -> list[RoutedRequest]:
    async with db.reading() as conn:
        return await queue_store.queue(conn, chosen, limit, after, reopened_first)


async def request_file(db: Database, reference: str, team: str, role: Role) -> RequestFile:
    async with db.reading() as conn:
        found = await store.find_request(conn, reference)
        if found is None:
            raise NotFound(f"no request has reference {reference}")
        if role is not Role.OPERATOR and found.department != team:
            raise Forbidden(f"request {reference} belongs to another department")
        history = await queue_store.history_of(conn, reference)
        duplicates = await queue_store.duplicates_of(conn, reference)
        affected = await queue_store.affected(conn, [reference, *duplicates])
    return RequestFile(found, history, duplicates, affected)
