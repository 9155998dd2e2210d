"""Residents' privacy requests (POPIA s23, s24), asked by an operator at intake once the
resident's identity has been checked at the table: `POST /v1/privacy/requests` sends the
request on `mo.privacy.requests`; notifications answers first (it alone knows whose requests are
whose), then intake and routing answer for the references it found; `GET
/v1/privacy/requests/{id}` shows every answer, `complete` once each service expected has
answered. Access and erasure are answered by notifications, intake and routing; a
correction by notifications (the only store with phone numbers and e-mail addresses)."""

# No `from __future__ import annotations`: FastAPI must resolve `Annotated[Caller, operators]`
# (a local) when the routes are made.

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Final, Self

from fastapi import APIRouter, params
from fastapi import Path as FastApiPath
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.intake import privacy_store, store
from shared import privacy_notice as notice
from shared.audit import REASON_MAX, Audit, AuditReason, Reason
from shared.auth import PUBLIC, Caller
from shared.consumer import Received
from shared.contracts.common import Email, Phone
from shared.contracts.privacy import (
    AccessRequested,
    CorrectionRequested,
    ErasureRequested,
    PrivacyAnswer,
    PrivacyKind,
)
from shared.events import new_event
from shared.identifiers import IdentifierKey
from shared.outbox import enqueue
from shared.refusals import NotFound
from shared.retention import deidentify
from shared.store import Database, as_utc
from shared.topics import source

__all__ = ["EXPECTED", "PrivacyAsk", "on_answered", "routes"]

EXPECTED: Final = {
    PrivacyKind.ACCESS: ("notifications", "intake", "routing"),
    PrivacyKind.ERASURE: ("notifications", "intake", "routing"),
    PrivacyKind.CORRECTION: ("notifications",),
}
_EVENTS: Final = {
    PrivacyKind.ACCESS: AccessRequested,
    PrivacyKind.ERASURE: ErasureRequested,
    PrivacyKind.CORRECTION: CorrectionRequested,
}


class PrivacyAsk(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: PrivacyKind
    phone: Phone | None = None
    email: Email | None = Field(None, max_length=254)
    reason: AuditReason = Field(
        min_length=5, max_length=REASON_MAX, description="Kept in the audit, forever."
    )
    new_phone: Phone | None = None
    new_email: Email | None = Field(None, max_length=254)

    @model_validator(mode="after")
    def _identifiers(self) -> Self:
        if (self.phone is None) == (self.email is None):
            raise ValueError("give the resident's phone or email (one of them)")
        if self.kind is not PrivacyKind.CORRECTION:
            if self.new_phone or self.new_email:
                raise ValueError("new_phone and new_email belong to a correction")
        elif self.phone and not self.new_phone:
            raise ValueError("a correction of a phone number needs new_phone")
        elif self.email and not self.new_email:
            raise ValueError("a correction of an e-mail address needs new_email")
        return self


class Notice(BaseModel):
    version: str
    text: dict[str, str] = Field(description="In en, af and xh.")


class PrivacyAsked(BaseModel):
    id: str
    status: str = "pending"


class PrivacyView(BaseModel):
    id: str
    kind: PrivacyKind
    status: str = Field(description="`pending` until every service expected has answered.")
    asked_at: AwareDatetime
    answers: dict[str, dict[str, Any]] = Field(description="Each service's answer.")
    waiting_for: list[str] = Field(description="Services that have not answered yet.")


async def ask(
    db: Database,
    audit: Audit,
    identifiers: IdentifierKey,
    caller: Caller,
    body: PrivacyAsk,
    now: datetime,
) -> str:
    request_id = str(uuid.uuid4())
    identifier = body.phone or str(body.email)
    event = _EVENTS[body.kind](
        request_id=request_id,
        phone=body.phone,
        email=str(body.email) if body.email else None,
        asked_at=now,
        **(
            {"new_phone": body.new_phone, "new_email": body.new_email}
            if body.new_phone or body.new_email
            else {}
        ),
    )
    async with db.transaction() as conn:
        await privacy_store.add_request(
            conn,
            id=request_id,
            kind=body.kind.value,
            identifier_hash=privacy_store.identifier_hash(identifiers, identifier),
            reason=body.reason,
            asked_by=caller.name,
            asked_at=now,
        )
        action = f"privacy {body.kind.value}"
        await audit.record(conn, caller, action, request_id, body.reason, now, rows=0)
        await enqueue(conn, store.outbox, new_event(event, source("intake"), request_id, now))
    return request_id


async def view(db: Database, request_id: str) -> PrivacyView:
    async with db.reading() as conn:
        row = await privacy_store.request_of(conn, request_id)
        if row is None:
            raise NotFound(f"no privacy request {request_id}")
        answers = await privacy_store.answers_of(conn, request_id)
    kind = PrivacyKind(row.kind)
    waiting = [s for s in EXPECTED[kind] if s not in answers]
    return PrivacyView(
        id=request_id,
        kind=kind,
        status="pending" if waiting else "complete",
        asked_at=as_utc(row.asked_at),
        answers=answers,
        waiting_for=waiting,
    )


async def _own_part(conn: AsyncConnection, kind: PrivacyKind, refs: list[str]) -> dict[str, Any]:
    """What intake holds of the resident's requests: their descriptions and exact places."""
    if kind is PrivacyKind.ERASURE:
        changed = await deidentify(conn, store.RESIDENT_DETAILS, refs)
        return {"references": refs, "held": {"descriptions and places removed": changed}}
    query = select(func.count()).where(store.requests.c.reference.in_(refs))
    found = int((await conn.execute(query)).scalar_one())
    return {
        "references": refs,
        "held": {"requests with description and place": found} if found else {},
    }


async def on_answered(conn: AsyncConnection, item: Received[PrivacyAnswer]) -> None:
    answer = item.data
    asked = await privacy_store.request_of(conn, answer.request_id)
    if asked is None or answer.service == "intake":
        return  # another intake's, or an echo of ours
    body = answer.model_dump(mode="json", exclude={"request_id", "service"})
    await privacy_store.add_answer(
        conn, answer.request_id, answer.service, body, answer.answered_at
    )
    kind = PrivacyKind(asked.kind)
    if answer.service == "notifications" and "intake" in EXPECTED[kind]:
        own = await _own_part(conn, kind, answer.references)
        at = answer.answered_at
        await privacy_store.add_answer(conn, answer.request_id, "intake", own, at)


def routes(
    db: Database,
    audit: Audit,
    operators: params.Depends,
    clock: Callable[[], datetime],
    identifiers: IdentifierKey,
) -> APIRouter:
    router = APIRouter(prefix="/v1")

    @router.get("/privacy/notice", response_model=Notice, dependencies=[PUBLIC])
    async def privacy_notice() -> Notice:
        """What an agent reads to a resident before taking contact details."""
        return Notice(version=notice.VERSION, text=notice.TEXT)

    @router.post("/privacy/requests", status_code=202, response_model=PrivacyAsked)
    async def privacy_request(
        body: PrivacyAsk, caller: Annotated[Caller, operators]
    ) -> PrivacyAsked:
        return PrivacyAsked(id=await ask(db, audit, identifiers, caller, body, clock()))

    @router.get("/privacy/requests/{request_id}", response_model=PrivacyView)
    async def privacy_answer(
        request_id: Annotated[str, FastApiPath(max_length=36)],
        caller: Annotated[Caller, operators],
        reason: Reason,
    ) -> PrivacyView:
        found = await view(db, request_id)
        async with db.transaction() as conn:
            await audit.record(conn, caller, "read privacy answer", request_id, reason, clock())
        return found

    return router
