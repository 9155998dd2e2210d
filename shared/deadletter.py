"""Dead letters: a message a consumer cannot parse or process goes to `mo.deadletter` with
headers naming the consumer and the reason, so the consumer can move on and an operator can
look. Only what is known to be non-personal is kept: the dead-letter topic is read by
operators, not only by the services that may see residents' details. The envelope's
attributes stay, and of `data` (an object, or an object as a JSON string) only the fields its
contract names public (shared/contracts/public.py); the contract's other fields keep their
names with `<removed>`, anything else goes, and a type the registry does not know keeps no
data at all."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection
from typing import Any, Final

from shared.contracts.public import ENVELOPE, PUBLIC_FIELDS
from shared.contracts.registry import spec_for_type

__all__ = ["MOST_BYTES", "REMOVED", "dead_letter_headers", "scrub"]

REMOVED: Final = "<removed>"

MOST_BYTES: Final = 900 * 1024
"""A dead letter's largest value: under the brokers' 1 MiB record limit, with room for the
key and headers."""


def scrub(value: bytes) -> tuple[bytes, int | None]:
    """The message with only its public fields, its text as it was (UTF-8, not escaped:
    escaping can triple a message's size), and cut to MOST_BYTES; with the size it had before
    the cut, if it was cut. A value that is not JSON has no fields to keep, so only its size
    and digest are kept."""
    try:
        parsed = json.loads(value)
    except (ValueError, UnicodeDecodeError):
        digest = hashlib.sha256(value).hexdigest()
        kept = {"unparseable": True, "bytes": len(value), "sha256": digest}
        return json.dumps(kept).encode(), None
    scrubbed = json.dumps(_public_message(parsed), ensure_ascii=False).encode()
    if len(scrubbed) <= MOST_BYTES:
        return scrubbed, None
    return scrubbed[:MOST_BYTES].decode(errors="ignore").encode(), len(scrubbed)


def _public_message(message: Any) -> Any:
    if not isinstance(message, dict):
        return REMOVED
    kept = {k: v for k, v in message.items() if k in ENVELOPE and _plain(v)}
    if "data" in message:
        spec = spec_for_type(str(message.get("type")))
        if spec is None:
            kept["data"] = REMOVED
        else:
            public = PUBLIC_FIELDS.get(spec.model, frozenset())
            kept["data"] = _public_fields(message["data"], public, spec.model.model_fields)
    return kept


def _public_fields(value: Any, public: frozenset[str], known: Collection[str]) -> Any:
    """`value` with only the `public` fields (dotted names reach inside); the other `known`
    names kept with `<removed>`, any other name left out (it could itself be personal)."""
    if isinstance(value, str) and value[:1] == "{":  # an object as a JSON string
        try:
            value = json.loads(value)
        except ValueError:
            return REMOVED
    if value is None:
        return None
    if not isinstance(value, dict):
        return REMOVED
    kept: dict[str, Any] = {}
    for name, field in value.items():
        inner = frozenset(p.split(".", 1)[1] for p in public if p.startswith(f"{name}."))
        if name in public and _plain(field):
            kept[name] = field
        elif inner and isinstance(field, list):
            kept[name] = [_public_fields(item, inner, ()) for item in field]
        elif inner:
            kept[name] = _public_fields(field, inner, ())
        elif name in known:
            kept[name] = REMOVED
    return kept


def _plain(value: Any) -> bool:
    """A value, or a list of values: an object in a public field is not what its contract
    says, and is not kept."""
    scalar = (str, int, float, bool)
    if isinstance(value, list):
        return all(isinstance(item, scalar) for item in value)
    return value is None or isinstance(value, scalar)


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
