"""Where intake keeps attachments' bytes, apart from its database and from the bus (events
carry an attachment's id, kind, type, size and hash, never its bytes): the port
(`ObjectStore`) and its adapters.

Keys are `requests/<reference>/<attachment id>/<variant>` (`variant` = `original` or
`thumb`), so a resident's erasure or the retention job removes one request's objects by
listing its prefix. Adapters: a folder of this machine (`FolderObjects`, `make run`'s
default, `var/attachments/`) and any S3-compatible object store (production).
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Protocol

__all__ = ["FolderObjects", "ObjectMissing", "ObjectStore", "object_key", "request_prefix"]


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


class FolderObjects:
    """One file per key, written to a temporary name and renamed, so a crash never leaves
    half an object under a real key."""

    def __init__(self, root: Path) -> None:
        self._root = root

    def _path(self, key: str) -> Path:
        path = (self._root / key).resolve()
        if not path.is_relative_to(self._root.resolve()):
            raise ValueError(f"key {key!r} leaves the attachments folder")
        return path

    async def put(self, key: str, data: bytes) -> None:
        await asyncio.to_thread(self._write, self._path(key), data)

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.partial")
        partial.write_bytes(data)
        os.replace(partial, path)

    async def get(self, key: str) -> bytes:
        try:
            return await asyncio.to_thread(self._path(key).read_bytes)
        except FileNotFoundError:
            raise ObjectMissing(key) from None

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._path(key).unlink, missing_ok=True)

    async def keys(self, prefix: str) -> list[str]:
        return await asyncio.to_thread(self._list, prefix)

    def _list(self, prefix: str) -> list[str]:
        if not self._root.is_dir():
            return []
        files = (p for p in self._root.rglob("*") if p.is_file() and not p.name.startswith("."))
        return sorted(
            k for p in files if (k := p.relative_to(self._root).as_posix()).startswith(prefix)
        )
