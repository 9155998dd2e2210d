"""The port through which intake keeps attachments' bytes, apart from its database and from
the bus (events carry an attachment's id, kind, type, size and hash, never its bytes).

Keys are `requests/<reference>/<attachment id>/<variant>` (`variant` = `original` or
`thumb`), so a resident's erasure or the retention job removes one request's objects by
listing its prefix. Adapters: the local filesystem (`make run`'s default) and any
S3-compatible object store (production); every object goes through `SealedObjects`, which
encrypts it before an adapter sees it.
"""

from __future__ import annotations

from typing import Protocol

__all__ = ["ObjectMissing", "ObjectStore", "object_key", "request_prefix"]


class ObjectMissing(LookupError):
    """No object is kept under this key (never written, or deleted)."""


class ObjectStore(Protocol):
    async def put(self, key: str, data: bytes) -> None:
        """Keep `data` under `key`, replacing what was there."""

    async def get(self, key: str) -> bytes:
        """The bytes kept under `key`; `ObjectMissing` when there are none."""

    async def delete(self, key: str) -> None:
        """Remove the object under `key`; nothing happens when there is none."""

    async def keys(self, prefix: str) -> list[str]:
        """Every key that starts with `prefix`, sorted."""


def request_prefix(reference: str) -> str:
    return f"requests/{reference}/"


def object_key(reference: str, attachment_id: str, variant: str) -> str:
    return f"{request_prefix(reference)}{attachment_id}/{variant}"
