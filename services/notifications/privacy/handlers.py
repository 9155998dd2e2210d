"""Residents' privacy requests, as notifications answers them (store.py says what each finds,
erases or corrects): each answer goes back on the bus, in the transaction that acted."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar

from services.notifications.deps import NotificationsDeps
from services.notifications.privacy import store
from services.notifications.store import Conn
from shared.consumer import AfterCommit, Batch
from shared.contracts.privacy import (
    AccessRequested,
    CorrectionRequested,
    ErasureRequested,
    PrivacyAnswer,
    PrivacyRequest,
)
from shared.identifiers import IdentifierKey
from shared.use_case import UnitOfWork

__all__ = ["on_access", "on_correction", "on_erasure"]

R = TypeVar("R", bound=PrivacyRequest)


async def _answer(
    answer: Callable[[Conn, R, datetime, IdentifierKey], Awaitable[PrivacyAnswer]],
    items: Batch[R],
    uow: UnitOfWork,
    deps: NotificationsDeps,
) -> AfterCommit:
    async with uow.transaction() as conn:
        for item in items:
            at = deps.clock()
            answered = await answer(conn, item.data, at, deps.identifiers)
            await deps.outbox.stage(conn, answered, subject=answered.request_id, at=at)
    return deps.wake  # an erasure may have stopped messages the dispatcher holds


async def on_access(
    command: Batch[AccessRequested], uow: UnitOfWork, deps: NotificationsDeps
) -> AfterCommit:
    return await _answer(store.access, command, uow, deps)


async def on_erasure(
    command: Batch[ErasureRequested], uow: UnitOfWork, deps: NotificationsDeps
) -> AfterCommit:
    return await _answer(store.erase, command, uow, deps)


async def on_correction(
    command: Batch[CorrectionRequested], uow: UnitOfWork, deps: NotificationsDeps
) -> AfterCommit:
    return await _answer(store.correct, command, uow, deps)
