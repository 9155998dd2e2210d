"""A resident replies `NOT FIXED <reference>` to an update: believed only from the number the
request's updates go to, and only within 30 days of its resolution (shared/reopening.py);
then routing is asked to reopen it, and the resident hears that it is open again."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from services.notifications.deliveries import store as delivery_store
from services.notifications.deps import NotificationsDeps
from services.notifications.messages.texts import Template
from services.notifications.reopening import store
from shared.contracts.common import RequestStatus
from shared.contracts.requests import FixedConfirmed, ReopenAsked
from shared.reopening import reopen_refusal
from shared.use_case import UnitOfWork

__all__ = ["BY_SMS", "Fixed", "NotFixed", "ask_reopen", "confirm_fixed"]

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


@dataclass(frozen=True, slots=True)
class Fixed:
    sender: str
    reference: str


async def confirm_fixed(command: Fixed, uow: UnitOfWork, deps: NotificationsDeps) -> str:
    """A resident's `FIXED <reference>`: believed only from the number the request's updates
    go to and while it is resolved; routing records it (`request.fixed_confirmed`), and the
    "was it fixed?" SMS, if still to come, is not sent. What became of it: `fixed confirmed`,
    or why not."""
    reference = command.reference
    async with uow.transaction() as conn:
        known, resolved_at = await store.resolved_at(conn, reference, command.sender)
        if not known:  # not this number's request: say nothing of whether it exists
            log.info("FIXED for a reference not sent to this number: ignored")
            return "ignored"
        if resolved_at is None:
            log.info("FIXED refused reference=%s: not resolved", reference)
            return "refused"
        now = deps.clock()
        confirmed = FixedConfirmed(reference=reference, confirmed_at=now)
        await deps.outbox.stage(conn, confirmed, subject=reference, at=now)
        await delivery_store.cancel_pending(conn, reference, Template.FIXED_CHECK)
    log.info("FIXED reference=%s: confirmed", reference)
    return "fixed confirmed"
