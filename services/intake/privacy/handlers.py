"""Residents' privacy requests (POPIA s23, s24), asked by an operator at intake once the
resident's identity has been checked at the table: the request goes out on
`mo.privacy.requests`; notifications answers first (it alone knows whose requests are whose),
then intake and routing answer for the references it found. Access and erasure are answered
by notifications, intake and routing; a correction by notifications (the only store with phone
numbers and e-mail addresses)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from services.intake.attachments import store as attachment_store
from services.intake.attachments.worker import erase_attachments
from services.intake.privacy import store
from services.intake.privacy.domain import EXPECTED, asked_event
from services.intake.privacy.schemas import PrivacyAsk, PrivacyView
from services.intake.store import Connection
from shared.auth import Caller
from shared.consumer import Batch
from shared.contracts.privacy import PrivacyAnswer, PrivacyKind
from shared.refusals import NotFound
from shared.use_case import UnitOfWork

if TYPE_CHECKING:
    from services.intake.deps import IntakeDeps

__all__ = ["Ask", "ReadAnswer", "ask", "on_answered", "read_answer"]


@dataclass(frozen=True, slots=True)
class Ask:
    caller: Caller
    body: PrivacyAsk


@dataclass(frozen=True, slots=True)
class ReadAnswer:
    caller: Caller
    request_id: str
    reason: str  # kept in the audit


async def ask(command: Ask, uow: UnitOfWork, deps: IntakeDeps) -> str:
    """Records the request, audits who asked and why, and sends it; returns its id."""
    body, caller, now = command.body, command.caller, deps.clock()
    request_id = str(uuid.uuid4())
    identifier = body.phone or str(body.email)
    asked = store.Asked(request_id, body.kind.value, body.reason, caller.name, now)
    async with uow.transaction() as conn:
        await store.add_request(conn, asked, store.identifier_hash(deps.identifiers, identifier))
        action = f"privacy {body.kind.value}"
        await deps.audit.record(conn, caller, action, request_id, body.reason, now, rows=0)
        event = asked_event(body, request_id, now)
        await deps.outbox.stage(conn, event, subject=request_id, at=now)
    return request_id


async def read_answer(command: ReadAnswer, uow: UnitOfWork, deps: IntakeDeps) -> PrivacyView:
    """Every answer so far, `complete` once each service expected has answered; the read
    is audited."""
    request_id = command.request_id
    async with uow.reading() as conn:
        asked = await store.request_of(conn, request_id)
        if asked is None:
            raise NotFound(f"no privacy request {request_id}")
        answers = await store.answers_of(conn, request_id)
    kind = PrivacyKind(asked.kind)
    waiting = [s for s in EXPECTED[kind] if s not in answers]
    found = PrivacyView(
        id=request_id,
        kind=kind,
        status="pending" if waiting else "complete",
        asked_at=asked.asked_at,
        answers=answers,
        waiting_for=waiting,
    )
    async with uow.transaction() as conn:
        caller, reason, at = command.caller, command.reason, deps.clock()
        await deps.audit.record(conn, caller, "read privacy answer", request_id, reason, at)
    return found


async def _own_part(
    conn: Connection, kind: PrivacyKind, refs: list[str], deps: IntakeDeps
) -> dict[str, Any]:
    """What intake holds of the resident's requests: their descriptions and exact places,
    and their attachments (an erasure deletes the objects themselves, then the rows; an
    access answer counts them by kind, request by request, never their bytes)."""
    if kind is PrivacyKind.ERASURE:
        changed = await store.erase_details(conn, refs)
        removed = await erase_attachments(conn, deps.attachments, refs)
        held = {"descriptions and places removed": changed, "attachments removed": removed}
        return {"references": refs, "held": held}
    found = await store.count_requests(conn, refs)
    kept = await attachment_store.kinds_held(conn, refs)
    held = {"requests with description and place": found} if found else {}
    for kind_of in ("photo", "document"):
        if count := sum(kinds.get(kind_of, 0) for kinds in kept.values()):
            held[f"{kind_of}s"] = count
    return {"references": refs, "held": held, "attachments": kept}


async def on_answered(command: Batch[PrivacyAnswer], uow: UnitOfWork, deps: IntakeDeps) -> None:
    async with uow.transaction() as conn:
        for item in command:
            await _answered(conn, item.data, deps)


async def _answered(conn: Connection, answer: PrivacyAnswer, deps: IntakeDeps) -> None:
    asked = await store.request_of(conn, answer.request_id)
    if asked is None or answer.service == "intake":
        return  # another intake's, or an echo of ours
    body = answer.model_dump(mode="json", exclude={"request_id", "service"})
    await store.add_answer(conn, answer.request_id, answer.service, body, answer.answered_at)
    kind = PrivacyKind(asked.kind)
    if answer.service == "notifications" and "intake" in EXPECTED[kind]:
        own = await _own_part(conn, kind, answer.references, deps)
        at = answer.answered_at
        await store.add_answer(conn, answer.request_id, "intake", own, at)
