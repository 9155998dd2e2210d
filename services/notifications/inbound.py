"""The SMS gateway's replies (`POST /v1/sms/inbound`) are believed only when the gateway
signed them: `X-MO-Signature: sha256=<hex>`, the HMAC-SHA256 of the raw body under the shared
secret `MO_NOTIFICATIONS_INBOUND_SECRET`, over a body whose `timestamp` is at most five minutes
off. A signature is taken once: the store keeps each one while its body is fresh, so a replay
is refused by every replica and after a restart. Anything else is a 401 and changes no
resident's consent: otherwise anyone could STOP a stranger's updates, or replay a START."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Annotated, Final

from fastapi import Header, Request, params
from sqlalchemy.ext.asyncio import AsyncConnection

from services.notifications.store import inbound_signatures
from shared.http import ApiError
from shared.store import upsert_insert

__all__ = ["FRESH_FOR", "KEEP_SIGNATURES", "signature", "signed_by_gateway", "take_once"]

FRESH_FOR: Final = dt.timedelta(minutes=5)
KEEP_SIGNATURES: Final = 2 * FRESH_FOR
"""A body stamped T is fresh from T - 5 min to T + 5 min: taken at any moment of that, it is
stale 10 minutes later at the latest, and its signature need not be kept longer."""
_PREFIX: Final = "sha256="


def signature(secret: str, body: bytes) -> str:
    """What the gateway sends as `X-MO-Signature` for `body`."""
    return _PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signed_by_gateway(secret: str | None, clock: Callable[[], dt.datetime]) -> params.Depends:
    """The door of the gateway's webhook: answers the signature, which the route takes once
    (`take_once`) in the transaction that acts on the reply."""

    async def gateway(
        request: Request, x_mo_signature: Annotated[str | None, Header()] = None
    ) -> str:
        if secret is None:
            raise ApiError(401, "unsigned", "inbound SMS are refused: no inbound secret is set")
        body = await request.body()
        if not x_mo_signature or not hmac.compare_digest(
            x_mo_signature.encode(), signature(secret, body).encode()
        ):
            raise ApiError(
                401, "bad_signature", "send X-MO-Signature: sha256=<HMAC-SHA256 of the body>"
            )
        refused = _not_fresh(body, clock())
        if refused:
            raise ApiError(401, *refused)
        return x_mo_signature

    gateway.access = "sms-gateway (signed)"  # type: ignore[attr-defined]
    return params.Depends(gateway)


async def take_once(conn: AsyncConnection, signed: str, now: dt.datetime) -> None:
    """Remembers `signed`, or refuses it as a replay if any replica took it already (the
    primary key decides, so two replicas taking it at once cannot both succeed)."""
    taken = await conn.execute(
        upsert_insert(conn, inbound_signatures)
        .values(signature=signed, seen_at=now)
        .on_conflict_do_nothing()
    )
    if taken.rowcount == 0:
        raise ApiError(401, "replayed", "this message was already received")


def _not_fresh(body: bytes, now: dt.datetime) -> tuple[str, str] | None:
    """The error code and message if the body's `timestamp` is missing, unreadable or more
    than FRESH_FOR off."""
    try:
        stamp = json.loads(body).get("timestamp")
    except (ValueError, AttributeError):
        return None  # the body's own validation will say what is wrong
    if stamp is None:
        return "no_timestamp", (
            "send timestamp: when the gateway received the SMS, RFC 3339 with a UTC offset "
            "or Unix seconds, inside the signed body"
        )
    try:
        when = (
            dt.datetime.fromtimestamp(float(stamp), dt.UTC)
            if isinstance(stamp, int | float)
            else dt.datetime.fromisoformat(str(stamp))
        )
        if when.tzinfo is None:
            return "bad_timestamp", "timestamp needs a UTC offset"
        off = abs(now - when)
    except (ValueError, OverflowError):  # OverflowError: year 1 at +14:00 is before year 1 UTC
        return "bad_timestamp", "timestamp must be RFC 3339 or Unix seconds"
    if off > FRESH_FOR:
        return "replayed", "timestamp is more than 5 minutes off: a replay, or a clock to fix"
    return None
