"""The work queue's use cases: a team's requests, soonest due first, and one request's file
(its history and the requests joined to it). A department sees only its own; operators see
every department and the unroutable ones. Residents joined to a request are counted. People
sign in to the queue's pages with their team's credential (shared/staff/, queue/adapters.py)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from services.routing import store
from services.routing.decisions.store import requests_with_status
from services.routing.deps import RoutingDeps
from services.routing.queue import store as queue_store
from services.routing.queue.domain import (
    PAGE_SIZE,
    Order,
    QueueFilter,
    RequestFile,
    held_elsewhere,
)
from services.routing.work.domain import RoutedRequest
from shared.auth import Caller
from shared.consumer import Batch
from shared.contracts.common import RequestStatus
from shared.contracts.requests import FollowerJoined
from shared.credentials import Role
from shared.use_case import UnitOfWork

__all__ = [
    "FileQuery",
    "QueuePage",
    "QueuePageRead",
    "QueueQuery",
    "count_joined",
    "queue_page",
    "request_file",
    "work_queue",
]


@dataclass(frozen=True, slots=True)
class QueueQuery:
    """A page of `limit` requests of the queue from after the `queue_key` `after` (and one
    more when there is a next page); the read is audited as `reader`'s."""

    chosen: QueueFilter
    limit: int
    reader: Caller
    after: list[Any] | None = None


@dataclass(frozen=True, slots=True)
class QueuePage:
    """What the queue's page shows `reader`: reopened requests first, then soonest due; for
    operators also the triage list."""

    chosen: QueueFilter
    reader: Caller
    order: Order = Order.DUE
    page: int = 1  # of PAGE_SIZE requests, from 1


@dataclass(frozen=True, slots=True)
class QueuePageRead:
    found: list[RoutedRequest]
    triage: list[RoutedRequest] | None
    overdue: int  # how many of the open ones the filter finds (statuses aside) are overdue
    total: int  # how many the filter finds, on every page
    page: int  # the page shown: the one asked, or the last when it asked past the end
    # A full reference the team sought that another team holds: (that department, or None
    # when the operators have it; its status). Nothing else of it: the team may not read it.
    elsewhere: tuple[str | None, RequestStatus] | None = None


@dataclass(frozen=True, slots=True)
class FileQuery:
    reference: str
    reader: Caller


async def work_queue(
    command: QueueQuery, uow: UnitOfWork, deps: RoutingDeps
) -> list[RoutedRequest]:
    async with uow.reading() as conn:
        found = await queue_store.queue(conn, command.chosen, command.limit + 1, command.after)
    shown = min(len(found), command.limit)
    await deps.record_read(uow, command.reader, "read work queue", shown)
    return found


async def queue_page(command: QueuePage, uow: UnitOfWork, deps: RoutingDeps) -> QueuePageRead:
    triage = None
    now = deps.clock()
    chosen = command.chosen
    async with uow.reading() as conn:
        total = await queue_store.count(conn, chosen, now)
        page = max(1, min(command.page, -(-total // PAGE_SIZE)))
        offset = (page - 1) * PAGE_SIZE
        found = await queue_store.page_of(conn, chosen, command.order, offset, PAGE_SIZE, now)
        late = replace(chosen, status=None, reference=None, overdue=True)
        overdue = await queue_store.count(conn, late, now)
        if command.reader.role is Role.OPERATOR:
            triage = await requests_with_status(conn, RequestStatus.UNROUTABLE, 100)
        # A whole reference not among the team's own: whose is it? (see `held_elsewhere`)
        whole = chosen.reference if total == 0 and len(chosen.reference or "") == 10 else None
        sought = await store.find_request(conn, whole) if whole else None
    shown = len(found) + len(triage or [])
    await deps.record_read(uow, command.reader, "read work queue page", shown)
    return QueuePageRead(found, triage, overdue, total, page, held_elsewhere(chosen, sought))


async def request_file(command: FileQuery, uow: UnitOfWork, deps: RoutingDeps) -> RequestFile:
    reference, reader = command.reference, command.reader
    async with uow.reading() as conn:
        found = await store.request_for(conn, reference, reader)
        history = await queue_store.history_of(conn, reference)
        duplicates = await queue_store.duplicates_of(conn, reference)
        affected = await queue_store.affected(conn, [reference, *duplicates])
        cause = await queue_store.cause_of(conn, reference)
    # An application's answers are read here too, with the rest of it: the same audited read.
    await deps.record_read(uow, reader, "read request", 1, reference)
    service = deps.catalogue.find(found.service) if found.service else None
    return RequestFile(found, history, duplicates, affected, cause, service)


async def count_joined(command: Batch[FollowerJoined], uow: UnitOfWork, deps: RoutingDeps) -> None:
    """Counted, so the department sees how many residents a request affects."""
    async with uow.transaction() as conn:
        for item in command:
            await queue_store.join(conn, item.data.reference, item.data.joined_at)
