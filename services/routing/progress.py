"""Departments' progress: a team moves its request along the status machine, and resolving
or closing says why (a cause), so "closed" never hides "not fixed"."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncConnection

from services.routing import queue_store, store
from services.routing.domain import Closure, closure_refusal, transition_refusal
from services.routing.handlers import SOURCE, Ports, existing_request
from services.routing.standard_store import OPEN
from shared.consumer import AfterCommit, Received
from shared.contracts.common import RequestStatus
from shared.contracts.requests import ReopenAsked
from shared.contracts.routing import Cause, StatusChanged
from shared.events import new_event
from shared.outbox import enqueue
from shared.refusals import Conflict, Invalid
from shared.reopening import reopen_refusal
from shared.store import Database

__all__ = ["apply_reopen", "report_status"]

log = logging.getLogger(__name__)


async def report_status(
    db: Database,
    ports: Ports,
    reference: str,
    team: str,
    status: RequestStatus,
    note: str | None,
    public: bool = False,
    closure: Closure | None = None,
) -> StatusChanged:
    closure = closure or Closure()
    async with db.transaction() as conn:
        request = await existing_request(conn, reference)
        if request.department != team:
            owner = request.department or "no department"
            raise Conflict(f"request {reference} is assigned to {owner}, not to {team}")
        refusal = transition_refusal(request.status, status)
        if refusal is not None:
            raise Conflict(refusal)
        await _check_closure(conn, request, status, closure)
        now = ports.clock()
        ending = {"cause": closure.cause, "cause_detail": closure.detail}
        repeated = closure.cause is Cause.DUPLICATE
        ending["duplicate_of"] = closure.duplicate_of if repeated else None
        await store.set_status(conn, reference, status, now, team, note, **ending)
        changed = StatusChanged(
            reference=reference,
            status=status,
            previous_status=request.status,
            department=team,
            note=note,
            note_public=public,
            changed_at=now,
            **ending,
        )
        await enqueue(conn, store.outbox, new_event(changed, SOURCE, reference, now))
    log.info("status reference=%s %s -> %s by %s", reference, request.status, status, team)
    return changed


async def _check_closure(
    conn: AsyncConnection, request: store.RoutedRequest, status: RequestStatus, closure: Closure
) -> None:
    refusal = closure_refusal(status, closure)
    if refusal is not None:
        raise Invalid(refusal[1], refusal[0])
    if closure.cause is not Cause.DUPLICATE:
        return
    other = await store.find_request(conn, closure.duplicate_of or "")
    still_there = (RequestStatus.RESOLVED.value, *OPEN)
    if (
        other is None
        or other.reference == request.reference
        or other.category != request.category
        or other.status.value not in still_there
    ):
        raise Invalid(
            f"must be another open or resolved {request.category} request", "duplicate_of"
        )


async def apply_reopen(
    conn: AsyncConnection, items: Sequence[Received[ReopenAsked]], ports: Ports
) -> AfterCommit:
    """A resident says it is not fixed: back to `in_progress` with the same department, at
    the top of its queue, the resident's words kept as an internal note."""
    reopened: list[str] = []
    for item in items:
        asked = item.data
        request = await store.find_request(conn, asked.reference, for_update=True)
        now = ports.clock()
        resolved_at = await queue_store.last_resolved_at(conn, asked.reference)
        refusal = (
            "unknown reference"
            if request is None
            else reopen_refusal(request.status, resolved_at, now)
        )
        if request is None or refusal is not None:
            log.warning("reopen refused reference=%s: %s", asked.reference, refusal)
            continue
        note = f"reopened ({asked.asked_by}): {asked.reason}"
        cleared = {"cause": None, "cause_detail": None, "duplicate_of": None}
        await store.set_status(
            conn,
            asked.reference,
            RequestStatus.IN_PROGRESS,
            now,
            asked.asked_by,
            note,
            reopened_at=now,
            **cleared,
        )
        changed = StatusChanged(
            reference=asked.reference,
            status=RequestStatus.IN_PROGRESS,
            previous_status=request.status,
            department=request.department or "",
            note=note,
            changed_at=now,
        )
        await enqueue(conn, store.outbox, new_event(changed, SOURCE, asked.reference, now))
        reopened.append(request.department or "")
        log.info("reopened reference=%s by %s", asked.reference, asked.asked_by)

    def count() -> None:
        for department in reopened:
            ports.metrics.reopened.labels(department).inc()

    return count
