"""Routing's part of a resident's privacy request (services/intake/privacy.py): once
notifications has answered with the resident's references, routing says what it holds of
them (access) or removes their descriptions, exact places, notes and what it knew of their
attachments (erasure; intake deletes the objects), keeping that each
request existed, its category, area, community, department and times, so the City's figures
and service standards still count it. Its answer goes on `mo.privacy.answers.routing`."""

from __future__ import annotations

from typing import TypeVar

from services.routing.attachments import store as attachments
from services.routing.deps import RoutingDeps
from services.routing.privacy.store import RESIDENT_DETAILS, held_count
from shared.consumer import Batch
from shared.contracts.privacy import AccessAnswered, ErasureAnswered
from shared.retention import deidentify
from shared.use_case import UnitOfWork

__all__ = ["answer_access", "answer_erasure"]

SERVICE = "routing"
A = TypeVar("A", AccessAnswered, ErasureAnswered)


def _from_notifications(items: Batch[A]) -> list[A]:
    """Only notifications' answers start routing's part (not routing's own, nor intake's)."""
    return [item.data for item in items if item.data.service == "notifications"]


async def answer_access(command: Batch[AccessAnswered], uow: UnitOfWork, deps: RoutingDeps) -> None:
    async with uow.transaction() as conn:
        for answered in _from_notifications(command):
            found, applications = await held_count(conn, answered.references)
            held = {"requests with description and place": found} if found else {}
            if applications:
                held["applications with the resident's answers"] = applications
            mine = AccessAnswered(
                request_id=answered.request_id,
                service=SERVICE,
                references=answered.references,
                held=held,
                answered_at=answered.answered_at,
            )
            await deps.outbox.stage(conn, mine, subject=mine.request_id, at=mine.answered_at)


async def answer_erasure(
    command: Batch[ErasureAnswered], uow: UnitOfWork, deps: RoutingDeps
) -> None:
    async with uow.transaction() as conn:
        for answered in _from_notifications(command):
            changed = await deidentify(conn, RESIDENT_DETAILS, answered.references)
            forgotten = await attachments.forget(conn, answered.references)
            mine = ErasureAnswered(
                request_id=answered.request_id,
                service=SERVICE,
                references=answered.references,
                held={
                    "descriptions and places removed": changed,
                    "attachments forgotten": forgotten,
                },
                answered_at=answered.answered_at,
            )
            await deps.outbox.stage(conn, mine, subject=mine.request_id, at=mine.answered_at)
