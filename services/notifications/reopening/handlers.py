"""A resident replies `NOT FIXED <reference>` to an update: believed only from the number the
request's updates go to, and only within 30 days of its resolution (shared/reopening.py);
then routing is asked to reopen it, and the resident hears that it is open again."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from services.notifications.deps import NotificationsDeps
from services.notifications.reopening import store
from shared.contracts.common import RequestStatus
from shared.contracts.requests import ReopenAsked
from shared.reopening import reopen_refusal
from shared.use_case import UnitOfWork

__all__ = ["BY_SMS", "NotFixed", "ask_reopen"]

log = logging.getLogger(__name__)
BY_SMS = "resident by SMS"


@dataclass(frozen=True, slots=True)
class NotFixed:
    sender: str
    reference: str
    text: str


async def ask_reopen(command: NotFixed, uow: UnitOfWork, deps: NotificationsDeps) -> str:
    """What became of the reply: `reopen asked`, or why not."""
    reference = command.reference
    async with uow.transaction() as conn:
        known, resolved_at = await store.resolved_at(conn, reference, command.sender)
        if not known:  # not this number's request: say nothing of whether it exists
            log.info("NOT FIXED for a reference not sent to this number: ignored")
            return "ignored"
        now = deps.clock()
        status = RequestStatus.RESOLVED if resolved_at else RequestStatus.IN_PROGRESS
        refusal = reopen_refusal(status, resolved_at, now)
        if refusal is not None:
            log.info("NOT FIXED refused reference=%s: %s", reference, refusal)
            return "refused"
        reason = command.text.strip()[:500]
        asked = ReopenAsked(reference=reference, reason=reason, asked_by=BY_SMS, asked_at=now)
        await deps.outbox.stage(conn, asked, subject=reference, at=now)
    log.info("NOT FIXED reference=%s: reopen asked", reference)
    return "reopen asked"
