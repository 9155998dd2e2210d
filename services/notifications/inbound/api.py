"""The SMS gateway's replies (`POST /v1/sms/inbound`), believed only when the gateway signed
them (domain.py says how). A signature is taken once: the store keeps each one while its body
is fresh, so a replay is refused by every replica and after a restart. Anything else is a 401
and changes no resident's consent: otherwise anyone could STOP a stranger's updates, or replay
a START."""
# No `from __future__ import annotations`: FastAPI resolves the parameters at definition.

import hmac
from typing import Annotated

from fastapi import APIRouter, Header, Request, params

from services.notifications.deps import UseCasesDep, get_deps
from services.notifications.inbound.domain import not_fresh, signature
from services.notifications.inbound.handlers import Reply, reply
from services.notifications.inbound.schemas import InboundSms
from shared.http import ApiError

__all__ = ["router", "signed_by_gateway"]

router = APIRouter(prefix="/v1")


async def _gateway(request: Request, x_mo_signature: Annotated[str | None, Header()] = None) -> str:
    """The door of the gateway's webhook: answers the signature, which the route takes once
    in the transaction that acts on the reply."""
    deps = get_deps(request)
    secret = deps.inbound_secret
    if secret is None:
        raise ApiError(401, "unsigned", "inbound SMS are refused: no inbound secret is set")
    body = await request.body()
    if not x_mo_signature or not hmac.compare_digest(
        x_mo_signature.encode(), signature(secret, body).encode()
    ):
        raise ApiError(
            401, "bad_signature", "send X-MO-Signature: sha256=<HMAC-SHA256 of the body>"
        )
    refused = not_fresh(body, deps.clock())
    if refused:
        raise ApiError(401, *refused)
    return x_mo_signature


_gateway.access = "sms-gateway (signed)"  # type: ignore[attr-defined]
signed_by_gateway: params.Depends = params.Depends(_gateway)


@router.post("/sms/inbound")
async def inbound(
    body: InboundSms,
    signed: Annotated[str, signed_by_gateway],
    use_cases: UseCasesDep,
) -> dict[str, str]:
    return {"action": await use_cases.run(reply, Reply(signed, body.sender, body.text))}
