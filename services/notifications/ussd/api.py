"""The USSD gateway's requests (`POST /v1/ussd`), form-encoded as the common gateways send
them (sessionId, serviceCode, phoneNumber, text) and signed like the SMS webhook:
`X-MO-Signature: sha256=<HMAC-SHA256 of the raw body>` under the USSD gateway's own secret
(`MO_NOTIFICATIONS_USSD_SECRET`), with a `timestamp` field at most five minutes off; a body
taken before is refused. The answer is text/plain, `CON ...` or `END ...`."""
# No `from __future__ import annotations`: FastAPI resolves the parameters at definition.

import hmac
from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Header, Request, params
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field, ValidationError

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


class UssdForm(BaseModel):
    """The gateway's form fields (a USSD gateway's usual names)."""

    sessionId: str = Field(min_length=1, max_length=100)
    phoneNumber: Phone
    serviceCode: str = Field("", max_length=40)
    text: str = Field("", max_length=400)
    timestamp: str = Field("", max_length=40)


@router.post("/ussd", response_class=PlainTextResponse)
async def ussd_request(
    request: Request, signed: Annotated[str, signed_by_ussd_gateway], use_cases: UseCasesDep
) -> PlainTextResponse:
    """Form-encoded: sessionId, serviceCode, phoneNumber, text (the inputs so far joined by
    `*`) and timestamp (Unix seconds or RFC 3339), signed as a whole."""
    fields = parse_qs((await request.body()).decode("utf-8", "replace"), keep_blank_values=True)
    try:
        form = UssdForm.model_validate({k: v[0] for k, v in fields.items()})
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ApiError(422, "invalid", f"{where}: {first['msg']}") from None
    command = UssdRequest(signed, form.sessionId, form.phoneNumber, form.text)
    return PlainTextResponse(await use_cases.run(ussd, command))
