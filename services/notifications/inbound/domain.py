"""A resident's SMS back, and the gateway's signature on it: which command a reply is, and
whether its signed body is fresh. `POST /v1/sms/inbound` is believed only when the gateway
signed it: `X-MO-Signature: sha256=<hex>`, the HMAC-SHA256 of the raw body under the shared
secret `MO_NOTIFICATIONS_INBOUND_SECRET`, over a body whose `timestamp` is at most five minutes
off."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
from enum import StrEnum
from typing import Final

__all__ = [
    "FRESH_FOR",
    "KEEP_SIGNATURES",
    "SmsCommand",
    "fixed_reference",
    "not_fixed_reference",
    "not_fresh",
    "signature",
]

FRESH_FOR: Final = dt.timedelta(minutes=5)
KEEP_SIGNATURES: Final = 2 * FRESH_FOR
"""A body stamped T is fresh from T - 5 min to T + 5 min: taken at any moment of that, it is
stale 10 minutes later at the latest, and its signature need not be kept longer."""
_PREFIX: Final = "sha256="


def signature(secret: str, body: bytes) -> str:
    """What the gateway sends as `X-MO-Signature` for `body`."""
    return _PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def not_fresh(body: bytes, now: dt.datetime) -> tuple[str, str] | None:
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


class SmsCommand(StrEnum):
    STOP = "STOP"  # every message to the number ends
    STOP_VISITS = "STOP VISITS"  # visit news ends; updates on requests go on
    START = "START"
    YES = "YES"  # confirms the number's pending visit subscriptions (also JA, EWE)
    NOT_FIXED = "NOT FIXED"  # NOT FIXED <reference>: reopen a resolved request
    FIXED = "FIXED"  # FIXED <reference>: the resident confirms a resolved request was fixed

    @classmethod
    def of(cls, text: str) -> SmsCommand | None:
        """What a resident's reply asks for (UNSTOP counts as START; JA and EWE, Afrikaans and
        isiXhosa for yes, count as YES), if anything."""
        match = _COMMAND.match(text)
        if match is None:
            return None
        word = " ".join(match.group(1).upper().split())
        return _SAME_AS.get(word) or cls(word)


_COMMAND = re.compile(
    r"^\s*(STOP\s+VISITS|STOP|START|UNSTOP|YES|JA|EWE|NOT\s+FIXED|FIXED)\b", re.IGNORECASE
)
_SAME_AS: Final = {"UNSTOP": SmsCommand.START, "JA": SmsCommand.YES, "EWE": SmsCommand.YES}
_NOT_FIXED = re.compile(r"^\s*NOT\s+FIXED\W*((?:\d[\s-]*){10})\b", re.IGNORECASE)


_FIXED = re.compile(r"^\s*FIXED\W*((?:\d[\s-]*){10})\b", re.IGNORECASE)


def not_fixed_reference(text: str) -> str | None:
    """The reference of a `NOT FIXED 812 345 6789` reply (spaces and dashes allowed)."""
    match = _NOT_FIXED.match(text)
    return re.sub(r"\D", "", match.group(1)) if match else None


def fixed_reference(text: str) -> str | None:
    """The reference of a `FIXED 812 345 6789` reply (spaces and dashes allowed)."""
    match = _FIXED.match(text)
    return re.sub(r"\D", "", match.group(1)) if match else None
