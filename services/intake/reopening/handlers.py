"""A resident tells the agent a resolved request is not fixed: intake checks it may be
reopened (resolved, within 30 days) so the resident hears at once, and asks routing, which
decides and moves it back to the same department."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from services.intake import store
from shared.contracts.common import RequestStatus
from shared.contracts.requests import ReopenAsked
from shared.refusals import Conflict
from shared.reopening import reopen_refusal
from shared.use_case import Deps, UnitOfWork

__all__ = ["Reopen", "ask_reopen"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Reopen:
    reference: str
    agent: str
    reason: str


async def ask_reopen(command: Reopen, uow: UnitOfWork, deps: Deps) -> None:
    now, reference = deps.clock(), command.reference
    async with uow.transaction() as conn:
        found = await store.existing_request(conn, reference)
        steps = await store.request_history(conn, reference)
        resolved = [s["at"] for s in steps if s["status"] == RequestStatus.RESOLVED.value]
        refusal = reopen_refusal(found.status, resolved[-1] if resolved else None, now)
        if refusal is not None:
            raise Conflict(f"request {reference} cannot be reopened: {refusal}")
        asked = ReopenAsked(
            reference=reference, reason=command.reason, asked_by=command.agent, asked_at=now
        )
        await deps.outbox.stage(conn, asked, subject=reference, at=now)
    log.info("reopen asked reference=%s by %s", reference, command.agent)
