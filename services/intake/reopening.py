"""A resident tells the agent a resolved request is not fixed: intake checks it may be
reopened (resolved, within 30 days) so the resident hears at once, and asks routing, which
decides and moves it back to the same department."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from services.intake import store
from shared.contracts.common import RequestStatus
from shared.contracts.requests import ReopenAsked
from shared.events import new_event
from shared.outbox import enqueue
from shared.refusals import Conflict, NotFound
from shared.reopening import reopen_refusal
from shared.store import Database
from shared.topics import source

__all__ = ["ask_reopen"]

log = logging.getLogger(__name__)


async def ask_reopen(
    db: Database, clock: Callable[[], datetime], reference: str, agent: str, reason: str
) -> None:
    now = clock()
    async with db.transaction() as conn:
        found = await store.find_request(conn, reference)
        if found is None:
            raise NotFound(f"no request has reference {reference}")
        steps = await store.request_history(conn, reference)
        resolved = [s["at"] for s in steps if s["status"] == RequestStatus.RESOLVED.value]
        refusal = reopen_refusal(found.status, resolved[-1] if resolved else None, now)
        if refusal is not None:
            raise Conflict(f"request {reference} cannot be reopened: {refusal}")
        asked = ReopenAsked(reference=reference, reason=reason, asked_by=agent, asked_at=now)
        await enqueue(conn, store.outbox, new_event(asked, source("intake"), reference, now))
    log.info("reopen asked reference=%s by %s", reference, agent)
