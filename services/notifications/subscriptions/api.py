"""Visit subscriptions over HTTP: a resident asks (the same answer whatever the address's
subscriptions), an operator lists them (audited) or removes one."""
# No `from __future__ import annotations`: FastAPI resolves the body models at definition.

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi import Path as FastApiPath

from services.notifications.channels.domain import Channel
from services.notifications.deps import UseCasesDep
from services.notifications.subscriptions import handlers
from services.notifications.subscriptions.schemas import (
    Subscription,
    SubscriptionAsked,
    SubscriptionView,
)
from shared.audit import Reason
from shared.auth import OPERATORS, PUBLIC, Caller
from shared.contracts.common import Line
from shared.limits import client_address
from shared.pages import PagingDep

__all__ = ["router"]

router = APIRouter(prefix="/v1")


@router.post("/subscriptions", status_code=202, dependencies=[PUBLIC])
async def subscribe(
    body: Subscription, request: Request, use_cases: UseCasesDep
) -> SubscriptionAsked:
    """The same answer whether the address is new, pending or confirmed."""
    client = client_address(request)
    asking = use_cases.deps.asking
    asking.refuse_if_waiting(client, "too_many", "too many subscriptions from here")
    asking.missed(client)
    channel, address = (Channel.SMS, body.phone) if body.phone else (Channel.EMAIL, str(body.email))
    command = handlers.Subscribe(body.community, channel, address, body.language)
    await use_cases.run(handlers.subscribe, command)
    return SubscriptionAsked()


@router.get("/subscriptions", response_model=list[SubscriptionView])
async def subscription_list(
    caller: Annotated[Caller, OPERATORS],
    reason: Reason,
    use_cases: UseCasesDep,
    paging: PagingDep,
    community: Annotated[Line | None, Query(max_length=100)] = None,
) -> list[SubscriptionView]:
    command = handlers.Listing(
        caller,
        reason,
        community,
        lambda found: paging.of(found, key=lambda s: [s.id]),
    )
    found = await use_cases.run(handlers.list_subscriptions, command)
    return [SubscriptionView.of(s) for s in found]


@router.delete("/subscriptions/{subscription_id}", status_code=204, dependencies=[OPERATORS])
async def subscription_delete(
    subscription_id: Annotated[int, FastApiPath(ge=1, le=2**31 - 1)], use_cases: UseCasesDep
) -> None:
    await use_cases.run(handlers.remove, handlers.Remove(subscription_id))
