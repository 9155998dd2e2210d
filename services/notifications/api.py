"""Notifications' HTTP routes: visit subscriptions, the SMS gateway's replies, and what was
sent for a request."""
# No `from __future__ import annotations`: FastAPI resolves the body models at definition.

from dataclasses import dataclass
from typing import Annotated, Self

from fastapi import APIRouter, Query, Request, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, EmailStr, Field, model_validator

from services.notifications import handlers
from services.notifications.domain import Channel, mask
from services.notifications.inbound import signed_by_gateway
from shared.auth import PUBLIC, TokenDirectory, requires
from shared.contracts.common import Language, Line, Phone
from shared.credentials import Role
from shared.http import parse_reference
from shared.pages import DEFAULT, Cursor, Limit, paged
from shared.store import Database, as_utc

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
    timestamp: str | float | None = Field(
        None, description="When the gateway received it: RFC 3339 or Unix seconds."
    )


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
    ports: handlers.Ports
    tokens: TokenDirectory
    inbound_secret: str | None


def routes(ctx: NotificationsContext) -> APIRouter:
    router = APIRouter(prefix="/v1")
    operators = requires(ctx.tokens, Role.OPERATOR)
    gateway = signed_by_gateway(ctx.inbound_secret, ctx.ports.clock)

    @router.post("/subscriptions", status_code=201, dependencies=[PUBLIC])
    async def subscribe(body: Subscription) -> dict[str, str]:
        channel, address = (
            (Channel.SMS, body.phone) if body.phone else (Channel.EMAIL, str(body.email))
        )
        await handlers.subscribe(ctx.db, ctx.ports, body.community, channel, address, body.language)
        return {"community": body.community, "channel": channel.value, "status": "subscribed"}

    @router.post("/sms/inbound", dependencies=[gateway])
    async def inbound(body: InboundSms) -> dict[str, str]:
        return {"action": await handlers.reply(ctx.db, ctx.ports, body.sender, body.text)}

    @router.get("/notifications", response_model=list[SentView], dependencies=[operators])
    async def sent(
        reference: Annotated[str, Query()],
        request: Request,
        response: Response,
        limit: Limit = DEFAULT,
        cursor: Cursor = None,
    ) -> list[SentView]:
        rows = await handlers.sent_for(ctx.db, parse_reference(reference))
        views = [
            SentView(
                channel=r.channel,
                to=mask(r.address),
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
        return paged(request, response, views, limit, cursor)

    return router
