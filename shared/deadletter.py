"""Dead letters: a message a consumer cannot parse or process goes to `mo.deadletter` with
headers naming the consumer and the reason, so the consumer can move on and an operator can
look. Personal fields are removed first: the dead-letter topic is read by operators, not only
by the services that may see residents' contact details."""

from __future__ import annotations

import hashlib
import json
from typing import Any, Final

__all__ = ["PERSONAL_FIELDS", "dead_letter_headers", "scrub"]

PERSONAL_FIELDS: Final = frozenset(
    {"resident", "name", "phone", "email", "account_number", "to", "address"}
)


def scrub(value: bytes) -> bytes:
    """The message without personal fields. A value that is not JSON cannot be searched for
    them, so only its size and digest are kept."""
    try:
        parsed = json.loads(value)
    except (ValueError, UnicodeDecodeError):
        digest = hashlib.sha256(value).hexdigest()
        return json.dumps({"unparseable": True, "bytes": len(value), "sha256": digest}).encode()
    return json.dumps(_without_personal(parsed)).encode()


def _without_personal(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: ("<removed>" if k in PERSONAL_FIELDS else _without_personal(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_without_personal(v) for v in value]
    return value


def dead_letter_headers(
    consumer: str, reason: str, topic: str, partition: int, offset: int
) -> dict[str, str]:
    return {
        "content-type": "application/json",
        "x-deadletter-consumer": consumer,
        "x-deadletter-reason": reason[:500],
        "x-original-topic": topic,
        "x-original-partition": str(partition),
        "x-original-offset": str(offset),
    }
