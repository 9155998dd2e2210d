"""Departments' progress: a team moves its request along the status machine, and resolving
or closing says why (a cause), so "closed" never hides "not fixed"; a resident who says it is
not fixed reopens it."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from services.routing import store
from services.routing.deps import RoutingDeps
from services.routing.work import store as work_store
from services.routing.work.domain import (
    OPEN,
    Closure,
    RoutedRequest,
    Verdict,
    closure_refusal,
    decided,
    transition_refusal,
    verdict_refusal,
)
from services.routing.work.store import last_resolved_at
from shared.clock import CAPE_TOWN
from shared.consumer import AfterCommit, Batch
from shared.contracts.common import RequestStatus
from shared.contracts.requests import FixedConfirmed, ReopenAsked
from shared.contracts.routing import Cause, StatusChanged
from shared.refusals import Conflict, Invalid
from shared.reopening import reopen_refusal
from shared.use_case import UnitOfWork

__all__ = [
    "NoteReport",
    "ProgressReport",
    "add_note",
    "confirm_fixed",
    "reopen",
    "report_status",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ProgressReport:
    """A department team's report on its request."""

    reference: str
    team: str
    status: RequestStatus
    note: str | None
    public: bool = False
    closure: Closure = field(default_factory=Closure)
    by: str | None = None  # who in the team, for the history (a member's own credential)
    verdict: Verdict = field(default_factory=Verdict)  # an application's decision


async def report_status(
    command: ProgressReport, uow: UnitOfWork, deps: RoutingDeps
) -> StatusChanged:
    reference, team, status, closure = (
        command.reference,
        command.team,
        command.status,
        command.closure,
    )
    async with uow.transaction() as conn:
        request = await store.locked_request(conn, reference)
        if request.department != team:
            owner = request.department or "no department"
            raise Conflict(f"request {reference} is assigned to {owner}, not to {team}")
        refusal = transition_refusal(request.status, status, request.service is not None)
        if refusal is not None:
            raise Conflict(refusal)
        await _check_closure(conn, request, status, closure)
        now = deps.clock()
        verdict = _verdict(request, status, command.verdict, now, deps)
        said = verdict or Verdict()
        repeated = closure.cause is Cause.DUPLICATE
        ending = store.Ending(
            closure.cause, closure.detail, closure.duplicate_of if repeated else None
        )
        by = command.by or team
        await store.set_status(
            conn, reference, status, now, by, command.note, ending=ending, verdict=verdict
        )
        changed = StatusChanged(
            reference=reference,
            status=status,
            previous_status=request.status,
            department=team,
            note=command.note,
            note_public=command.public,
            changed_at=now,
            cause=ending.cause,
            cause_detail=ending.cause_detail,
            duplicate_of=ending.duplicate_of,
            service=request.service,
            missing=list(said.missing) or None,
            decline_reason=said.decline_reason,
            appeal_by=said.appeal_by,
            valid_until=said.valid_until,
        )
        await deps.outbox.stage(conn, changed, subject=reference, at=now)
    log.info("status reference=%s %s -> %s by %s", reference, request.status, status, team)
    return changed


def _verdict(
    request: RoutedRequest,
    status: RequestStatus,
    asked: Verdict,
    now: datetime,
    deps: RoutingDeps,
) -> Verdict | None:
    """An application's verdict as recorded (None for a fault report, which has none): what
    is missing, why declined and until when to appeal, until when approved."""
    if request.service is None:
        if asked != Verdict():
            raise Invalid("only an application is decided with these", "status")
        return None
    service = deps.catalogue.find(request.service)
    if service is None:
        raise Conflict(f"{request.service} is no longer in the catalogue: ask the operators")
    refusal = verdict_refusal(status, service, asked)
    if refusal is not None:
        raise Invalid(refusal[1], refusal[0])
    today = now.astimezone(CAPE_TOWN).date()
    return decided(status, service, asked, today, deps.catalogue.appeal_days)


async def _check_closure(
    conn: store.Connection, request: RoutedRequest, status: RequestStatus, closure: Closure
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


async def reopen(command: Batch[ReopenAsked], uow: UnitOfWork, deps: RoutingDeps) -> AfterCommit:
    """A resident says it is not fixed: back to `in_progress` with the same department, at
    the top of its queue, the resident's words kept as an internal note."""
    reopened: list[str] = []
    async with uow.transaction() as conn:
        for item in command:
            department = await _reopen_one(conn, item.data, deps)
            if department is not None:
                reopened.append(department)

    def count() -> None:
        for department in reopened:
            deps.metrics.reopened.labels(department).inc()

    return count


async def _reopen_one(conn: store.Connection, asked: ReopenAsked, deps: RoutingDeps) -> str | None:
    """The reopened request's department, or None when it cannot be reopened."""
    request = await store.find_request(conn, asked.reference, for_update=True)
    now = deps.clock()
    resolved_at = await last_resolved_at(conn, asked.reference)
    refusal = (
        "unknown reference" if request is None else reopen_refusal(request.status, resolved_at, now)
    )
    if request is None or refusal is not None:
        log.warning("reopen refused reference=%s: %s", asked.reference, refusal)
        return None
    note = f"reopened ({asked.asked_by}): {asked.reason}"
    await store.set_status(
        conn,
        asked.reference,
        RequestStatus.IN_PROGRESS,
        now,
        asked.asked_by,
        note,
        ending=store.Ending(),
        reopened_at=now,
    )
    changed = StatusChanged(
        reference=asked.reference,
        status=RequestStatus.IN_PROGRESS,
        previous_status=request.status,
        department=request.department or "",
        note=note,
        changed_at=now,
    )
    await deps.outbox.stage(conn, changed, subject=asked.reference, at=now)
    log.info("reopened reference=%s by %s", asked.reference, asked.asked_by)
    return request.department or ""


async def confirm_fixed(
    command: Batch[FixedConfirmed], uow: UnitOfWork, deps: RoutingDeps
) -> AfterCommit:
    """A resident replied FIXED: kept on a request that is resolved (or since closed), the
    first time only, for the standards report's share confirmed fixed."""
    async with uow.transaction() as conn:
        for item in command:
            confirmed = item.data
            if await work_store.note_fixed_confirmed(
                conn, confirmed.reference, confirmed.confirmed_at
            ):
                log.info("fixed confirmed reference=%s", confirmed.reference)
            else:
                log.info("fixed confirmation ignored reference=%s", confirmed.reference)
    return lambda: None


@dataclass(frozen=True, slots=True)
class NoteReport:
    """A team's note on its request that leaves the status as it is (no event, no message)."""

    reference: str
    team: str
    note: str
    by: str | None = None  # who in the team, for the history (a member's own credential)


async def add_note(command: NoteReport, uow: UnitOfWork, deps: RoutingDeps) -> None:
    """The note goes into the request's history under its current status; nothing is
    published, so the resident is not told anything and a resolved request stays resolved."""
    async with uow.transaction() as conn:
        request = await store.locked_request(conn, command.reference)
        if request.department != command.team:
            owner = request.department or "no department"
            raise Conflict(
                f"request {command.reference} is assigned to {owner}, not to {command.team}"
            )
        now = deps.clock()
        by = command.by or command.team
        await store.set_status(conn, command.reference, request.status, now, by, command.note)
    log.info("note reference=%s by %s", command.reference, command.team)
