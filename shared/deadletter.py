"""Dead letters: a message a consumer cannot parse or process goes to `mo.deadletter` with
headers naming the consumer and the reason, so the consumer can move on and an operator can
look. Personal fields are removed first: the dead-letter topic is read by operators, not only
by the services that may see residents' contact details."""

from __future__ import annotations

import hashlib
import json
from typing import Any, Final

__all__ = ["MOST_BYTES", "PERSONAL_FIELDS", "dead_letter_headers", "scrub"]

PERSONAL_FIELDS: Final = frozenset(
    {"resident", "name", "phone", "email", "account_number", "to", "address"}
)


MOST_BYTES: Final = 900 * 1024
"""A dead letter's largest value: under the brokers' 1 MiB record limit, with room for the
key and headers."""


def scrub(value: bytes) -> tuple[bytes, int | None]:
    """The message without personal fields (in `data` whether it is an object or a JSON
    string), its text as it was (UTF-8, not escaped: escaping can triple a message's size),
    and cut to MOST_BYTES; with the size it had before the cut, if it was cut. A value that is
    not JSON cannot be searched for personal fields, so only its size and digest are kept."""
    try:
        parsed = json.loads(value)
    except (ValueError, UnicodeDecodeError):
        digest = hashlib.sha256(value).hexdigest()
        kept = {"unparseable": True, "bytes": len(value), "sha256": digest}
        return json.dumps(kept).encode(), None
    scrubbed = json.dumps(_without_personal(parsed), ensure_ascii=False).encode()
    if len(scrubbed) <= MOST_BYTES:
        return scrubbed, None
    return scrubbed[:MOST_BYTES].decode(errors="ignore").encode(), len(scrubbed)


def _without_personal(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: ("<removed>" if k in PERSONAL_FIELDS else _without_personal(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_without_personal(v) for v in value]
    if isinstance(value, str) and value[:1] in ("{", "["):  # JSON inside a string
        try:
            inner = json.loads(value)
        except ValueError:
            return value
        return json.dumps(_without_personal(inner), ensure_ascii=False)
    return value


def dead_letter_headers(
    consumer: str,
    reason: str,
    topic: str,
    partition: int,
    offset: int,
    truncated_from: int | None = None,
) -> dict[str, str]:
    cut = {} if truncated_from is None else {"x-deadletter-truncated-from": str(truncated_from)}
    return {
        **cut,
        "content-type": "application/json",
        "x-deadletter-consumer": consumer,
        "x-deadletter-reason": reason[:500],
        "x-original-topic": topic,
        "x-original-partition": str(partition),
        "x-original-offset": str(offset),
    }
