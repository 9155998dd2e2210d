"""The SMS gateway's replies (`POST /v1/sms/inbound`) are believed only when the gateway
signed them: `X-MO-Signature: sha256=<hex>`, the HMAC-SHA256 of the raw body under the shared
secret `MO_NOTIFICATIONS_INBOUND_SECRET`. A body whose `timestamp` is more than five minutes
off, or one this process already took, is a replay. Anything else is a 401 and changes no
resident's consent: otherwise anyone could STOP a stranger's updates."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Annotated, Final

from fastapi import Header, Request, params

from shared.http import ApiError

__all__ = ["FRESH_FOR", "signature", "signed_by_gateway"]

FRESH_FOR: Final = dt.timedelta(minutes=5)
_PREFIX: Final = "sha256="


def signature(secret: str, body: bytes) -> str:
    """What the gateway sends as `X-MO-Signature` for `body`."""
    return _PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signed_by_gateway(secret: str | None, clock: Callable[[], dt.datetime]) -> params.Depends:
    """The door of the gateway's webhook."""
    seen: dict[str, float] = {}  # signatures taken in the last FRESH_FOR, against replays

    async def gateway(
        request: Request, x_mo_signature: Annotated[str | None, Header()] = None
    ) -> None:
        if secret is None:
            raise ApiError(401, "unsigned", "inbound SMS are refused: no inbound secret is set")
        body = await request.body()
        if not x_mo_signature or not hmac.compare_digest(
            x_mo_signature.encode(), signature(secret, body).encode()
        ):
            raise ApiError(
                401, "bad_signature", "send X-MO-Signature: sha256=<HMAC-SHA256 of the body>"
            )
        stale = _stale(body, clock())
        if stale:
            raise ApiError(401, "replayed", stale)
        now = time.monotonic()
        for old in [s for s, at in seen.items() if at < now - FRESH_FOR.total_seconds()]:
            del seen[old]
        if x_mo_signature in seen:
            raise ApiError(401, "replayed", "this message was already received")
        seen[x_mo_signature] = now

    gateway.access = "sms-gateway (signed)"  # type: ignore[attr-defined]
    return params.Depends(gateway)


def _stale(body: bytes, now: dt.datetime) -> str | None:
    """Why the body's `timestamp` makes it a replay, if it does (no timestamp: not stale)."""
    try:
        stamp = json.loads(body).get("timestamp")
    except (ValueError, AttributeError):
        return None  # the body's own validation will say what is wrong
    if stamp is None:
        return None
    try:
        when = (
            dt.datetime.fromtimestamp(float(stamp), dt.UTC)
            if isinstance(stamp, int | float)
            else dt.datetime.fromisoformat(str(stamp))
        )
    except (ValueError, OverflowError):
        return "timestamp must be RFC 3339 or Unix seconds"
    if when.tzinfo is None:
        return "timestamp needs a UTC offset"
    if abs(now - when) > FRESH_FOR:
        return "timestamp is more than 5 minutes off: a replay, or a clock to fix"
    return None
