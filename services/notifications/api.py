"""Notifications' HTTP routes: visit subscriptions, the SMS gateway's replies, and what was
sent for a request."""
# No `from __future__ import annotations`: FastAPI resolves the body models at definition.

import re
from dataclasses import dataclass
from typing import Annotated, Any, Self

from fastapi import APIRouter, Query
from pydantic import AwareDatetime, BaseModel, ConfigDict, EmailStr, Field, model_validator
from sqlalchemy import delete, select

from services.notifications import store
from shared.contracts.common import Language, Line, Phone
from shared.http import ApiError
from shared.reference import InvalidReference, parse
from shared.store import Database, as_utc, upsert_insert

__all__ = ["NotificationsContext", "routes"]


class Subscription(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    community: Line = Field(min_length=1, max_length=100)
    phone: Phone | None = None
    email: EmailStr | None = None
    language: Language = Language.EN

    @model_validator(mode="after")
    def _one_address(self) -> Self:
        if (self.phone is None) == (self.email is None):
            raise ValueError("give a phone number or an e-mail address (one of them)")
        return self


class InboundSms(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    sender: Phone = Field(alias="from")
    text: str = Field(max_length=1600)


class SentView(BaseModel):
    channel: str | None
    to: str | None = Field(description="Masked: operators see which number, not all of it.")
    template: str
    language: str | None
    status: str
    attempts: int
    last_error: str | None
    created_at: AwareDatetime
    sent_at: AwareDatetime | None


@dataclass(frozen=True, slots=True)
class NotificationsContext:
    db: Database
    clock: Any


_COMMAND = re.compile(r"^\s*(STOP|START|UNSTOP)\b", re.IGNORECASE)


def routes(ctx: NotificationsContext) -> APIRouter:
    router = APIRouter(prefix="/v1")

    @router.post("/subscriptions", status_code=201)
    async def subscribe(body: Subscription) -> dict[str, str]:
        channel, address = ("sms", body.phone) if body.phone else ("email", str(body.email))
        async with ctx.db.transaction() as conn:
            await conn.execute(
                upsert_insert(conn, store.subscriptions)
                .values(
                    community_key=body.community.casefold(),
                    community=body.community,
                    channel=channel,
                    address=address,
                    language=body.language.value,
                    created_at=ctx.clock(),
                )
                .on_conflict_do_nothing()
            )
        return {"community": body.community, "channel": channel, "status": "subscribed"}

    @router.post("/sms/inbound")
    async def inbound(body: InboundSms) -> dict[str, str]:
        match = _COMMAND.match(body.text)
        if match is None:
            return {"action": "ignored"}
        async with ctx.db.transaction() as conn:
            if match.group(1).upper() == "STOP":
                await conn.execute(
                    upsert_insert(conn, store.opt_outs)
                    .values(phone=body.sender, stopped_at=ctx.clock())
                    .on_conflict_do_nothing()
                )
                return {"action": "stopped"}
            await conn.execute(delete(store.opt_outs).where(store.opt_outs.c.phone == body.sender))
        return {"action": "started"}

    @router.get("/notifications", response_model=list[SentView])
    async def sent(reference: Annotated[str, Query()]) -> list[SentView]:
        try:
            canonical = parse(reference)
        except InvalidReference as exc:
            raise ApiError(422, "invalid_reference", str(exc), {"reference": str(exc)}) from None
        async with ctx.db.reading() as conn:
            rows = await conn.execute(
                select(store.deliveries)
                .where(store.deliveries.c.subject == canonical)
                .order_by(store.deliveries.c.created_at)
            )
            return [
                SentView(
                    channel=r.channel,
                    to=_mask(r.address),
                    template=r.template,
                    language=r.language,
                    status=r.status,
                    attempts=r.attempts,
                    last_error=r.last_error,
                    created_at=as_utc(r.created_at),
                    sent_at=as_utc(r.sent_at) if r.sent_at else None,
                )
                for r in rows
            ]

    return router


def _mask(address: str | None) -> str | None:
    if address is None:
        return None
    if "@" in address:
        name, _, domain = address.partition("@")
        return f"{name[:1]}***@{domain}"
    return f"{address[:3]}*****{address[-4:]}"
