"""Notifications' HTTP routes: visit subscriptions, the SMS gateway's replies, and what was
sent for a request."""
# No `from __future__ import annotations`: FastAPI resolves the body models at definition.

from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, Self

from fastapi import APIRouter, Query, Request, Response
from fastapi import Path as FastApiPath
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from services.notifications import delivery_store, handlers, subscription_store, subscriptions
from services.notifications.domain import Channel, mask
from services.notifications.inbound import signed_by_gateway, take_once
from services.notifications.link_pages import link_routes
from shared.audit import Audit, Reason, audit_routes
from shared.auth import PUBLIC, Caller, requires
from shared.contracts.common import Email, Language, Line, Phone
from shared.credentials import Role
from shared.http import parse_reference
from shared.limits import MissLimiter, client_address
from shared.pages import DEFAULT, Cursor, Limit, paged
from shared.store import Database, as_utc

__all__ = ["NotificationsContext", "routes"]


class Subscription(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    community: Line = Field(min_length=1, max_length=100)
    phone: Phone | None = None
    email: Email | None = None
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
    timestamp: str | float = Field(
        description="When the gateway received it: RFC 3339 with a UTC offset, or Unix "
        "seconds; more than 5 minutes off is refused (401), and so is a body taken before."
    )


class SubscriptionAsked(BaseModel):
    """What anyone asking hears, whatever the address's subscriptions: telling "confirmed"
    from "new" would tell a stranger who subscribed to which community."""

    status: Literal["asked"] = "asked"
    message: str = (
        "If this address may subscribe, a confirmation is on its way: reply YES to the SMS, "
        "or open the e-mail's link. Nothing about visits is sent before that."
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


class SubscriptionView(BaseModel):
    id: int = Field(description="For an operator's DELETE /v1/subscriptions/{id}.")
    community: str
    channel: str
    to: str | None = Field(description="Masked.")
    status: str = Field(description="pending until the resident confirms, then confirmed.")
    created_at: AwareDatetime

    @classmethod
    def of(cls, subscription: Any) -> "SubscriptionView":
        return cls(
            id=subscription.id,
            community=subscription.community,
            channel=subscription.channel.value,
            to=mask(subscription.address),
            status=subscription.status.value,
            created_at=subscription.created_at,
        )


@dataclass(frozen=True, slots=True)
class NotificationsContext:
    db: Database
    ports: handlers.Ports
    inbound_secret: str | None
    communities: frozenset[str]
    audit: Audit
    asking: MissLimiter = field(default_factory=lambda: MissLimiter(10, 3600.0))
    """Subscriptions one client may ask for in an hour."""


def routes(ctx: NotificationsContext) -> APIRouter:
    router = APIRouter(prefix="/v1")
    operators = requires(Role.OPERATOR)
    gateway = signed_by_gateway(ctx.inbound_secret, ctx.ports.clock)

    @router.post("/subscriptions", status_code=202, dependencies=[PUBLIC])
    async def subscribe(body: Subscription, request: Request) -> SubscriptionAsked:
        """The same answer whether the address is new, pending or confirmed."""
        client = client_address(request)
        ctx.asking.refuse_if_waiting(client, "too_many", "too many subscriptions from here")
        ctx.asking.missed(client)
        channel, address = (
            (Channel.SMS, body.phone) if body.phone else (Channel.EMAIL, str(body.email))
        )
        await subscriptions.subscribe(
            ctx.db, ctx.ports, ctx.communities, body.community, channel, address, body.language
        )
        return SubscriptionAsked()

    @router.get("/subscriptions", response_model=list[SubscriptionView])
    async def subscription_list(
        request: Request,
        response: Response,
        caller: Annotated[Caller, operators],
        reason: Reason,
        community: Annotated[Line | None, Query(max_length=100)] = None,
        limit: Limit = DEFAULT,
        cursor: Cursor = None,
    ) -> list[SubscriptionView]:
        async with ctx.db.transaction() as conn:
            found = await subscription_store.listing(conn, community)
            chosen = paged(request, response, found, limit, cursor, key=lambda s: [s.id])
            subject, now, rows = community or "every community", ctx.ports.clock(), len(chosen)
            await ctx.audit.record(conn, caller, "list subscriptions", subject, reason, now, rows)
        return [SubscriptionView.of(s) for s in chosen]

    @router.delete("/subscriptions/{subscription_id}", status_code=204, dependencies=[operators])
    async def subscription_delete(
        subscription_id: Annotated[int, FastApiPath(ge=1, le=2**31 - 1)],
    ) -> None:
        await subscriptions.remove(ctx.db, subscription_id)

    @router.post("/sms/inbound")
    async def inbound(body: InboundSms, signed: Annotated[str, gateway]) -> dict[str, str]:
        async with ctx.db.transaction() as conn:
            await take_once(conn, signed, ctx.ports.clock())
            return {"action": await handlers.reply(conn, ctx.ports, body.sender, body.text)}

    @router.get("/notifications", response_model=list[SentView])
    async def sent(
        reference: Annotated[str, Query()],
        request: Request,
        response: Response,
        caller: Annotated[Caller, operators],
        reason: Reason,
        limit: Limit = DEFAULT,
        cursor: Cursor = None,
    ) -> list[SentView]:
        reference = parse_reference(reference)
        async with ctx.db.transaction() as conn:
            rows = await delivery_store.for_subject(conn, reference)
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
            chosen = paged(request, response, views, limit, cursor)
            now = ctx.ports.clock()
            await ctx.audit.record(
                conn, caller, "read messages", reference, reason, now, len(chosen)
            )
        return chosen

    both = APIRouter()  # nested prefixes would hide the audit's path from the route table
    both.include_router(router)
    both.include_router(link_routes(ctx.db, ctx.ports))
    both.include_router(audit_routes(ctx.audit, ctx.db, operators))
    return both
