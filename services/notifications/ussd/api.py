"""The USSD gateway's requests (`POST /v1/ussd`), form-encoded as the common gateways send
them (sessionId, serviceCode, phoneNumber, text) and signed like the SMS webhook:
`X-MO-Signature: sha256=<HMAC-SHA256 of the raw body>` under the USSD gateway's own secret
(`MO_NOTIFICATIONS_USSD_SECRET`), with a `timestamp` field at most five minutes off; a body
taken before is refused. The answer is text/plain, `CON ...` or `END ...`."""
# No `from __future__ import annotations`: FastAPI resolves the parameters at definition.

import hmac
from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Form, Header, Request, params
from fastapi.responses import PlainTextResponse

from services.notifications.deps import UseCasesDep, get_deps
from services.notifications.inbound.domain import signature
from services.notifications.ussd.domain import stamp_not_fresh
from services.notifications.ussd.handlers import UssdRequest, ussd
from shared.contracts.common import Phone
from shared.http import ApiError

__all__ = ["router", "signed_by_ussd_gateway"]

router = APIRouter(prefix="/v1")


async def _ussd_gateway(
    request: Request, x_mo_signature: Annotated[str | None, Header()] = None
) -> str:
    """The door of the USSD gateway: answers the signature, taken once by the route."""
    deps = get_deps(request)
    secret = deps.ussd_secret
    if secret is None:
        raise ApiError(401, "unsigned", "USSD is refused: no USSD secret is set")
    body = await request.body()
    if not x_mo_signature or not hmac.compare_digest(
        x_mo_signature.encode(), signature(secret, body).encode()
    ):
        raise ApiError(
            401, "bad_signature", "send X-MO-Signature: sha256=<HMAC-SHA256 of the body>"
        )
    stamps = parse_qs(body.decode("utf-8", "replace")).get("timestamp")
    refused = stamp_not_fresh(stamps[0] if stamps else None, deps.clock())
    if refused:
        raise ApiError(401, *refused)
    return x_mo_signature


_ussd_gateway.access = "ussd-gateway (signed)"  # type: ignore[attr-defined]
signed_by_ussd_gateway: params.Depends = params.Depends(_ussd_gateway)


@router.post("/ussd", response_class=PlainTextResponse)
async def ussd_request(
    signed: Annotated[str, signed_by_ussd_gateway],
    use_cases: UseCasesDep,
    sessionId: Annotated[str, Form(min_length=1, max_length=100)],
    phoneNumber: Annotated[Phone, Form()],
    serviceCode: Annotated[str, Form(max_length=40)] = "",
    text: Annotated[str, Form(max_length=400)] = "",
    timestamp: Annotated[str, Form(max_length=40)] = "",
) -> PlainTextResponse:
    answer = await use_cases.run(ussd, UssdRequest(signed, sessionId, phoneNumber, text))
    return PlainTextResponse(answer)
