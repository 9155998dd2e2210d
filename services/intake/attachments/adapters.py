"""Where intake keeps attachments' bytes, apart from its database and from the bus (events
carry an attachment's id, kind, type, size and hash, never its bytes): the port
(`ObjectStore`) and its adapters.

Keys are `requests/<reference>/<attachment id>/<variant>` (`variant` = `original` or
`thumb`), so a resident's erasure or the retention job removes one request's objects by
listing its prefix. Adapters: a folder of this machine (`FolderObjects`, `make run`'s
default, `var/attachments/`) and any S3-compatible object store (`S3Objects`, production);
either is wrapped in `SealedObjects`, so every object is encrypted at rest under the master
keys of `MO_INTAKE_ATTACHMENTS_KEYS` (shared/sealing.py). `open_attachments(settings)`
chooses (docs/attachments.md).
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import obstore
from obstore.store import S3Store

from services.intake.settings import IntakeSettings
from shared.sealing import SealBroken, SealingKeys

if TYPE_CHECKING:
    from obstore.store import S3Config

__all__ = [
    "FolderObjects",
    "ObjectMissing",
    "ObjectStore",
    "S3Objects",
    "SealBroken",
    "SealedObjects",
    "object_key",
    "open_attachments",
    "request_prefix",
]


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


class S3Objects:
    """One object per key in a bucket of an S3-compatible object store."""

    def __init__(self, store: S3Store) -> None:
        self._store = store

    @classmethod
    def connect(cls, settings: IntakeSettings) -> S3Objects:
        bucket = settings.attachments_bucket
        config: S3Config = {"region": settings.attachments_region}
        if endpoint := settings.attachments_endpoint:
            config["endpoint"] = endpoint
        if key_id := settings.attachments_access_key_id:
            config["access_key_id"] = key_id
        if secret := settings.attachments_secret_access_key:
            config["secret_access_key"] = secret.get_secret_value()
        http = bool(endpoint and endpoint.startswith("http://"))
        return cls(
            S3Store(
                bucket,
                config=config,
                client_options={"allow_http": http},
                virtual_hosted_style_request=False,
            )
        )

    async def put(self, key: str, data: bytes) -> None:
        await obstore.put_async(self._store, key, data)

    async def get(self, key: str) -> bytes:
        try:
            result = await obstore.get_async(self._store, key)
            return bytes(await result.bytes_async())
        except FileNotFoundError:
            raise ObjectMissing(key) from None

    async def delete(self, key: str) -> None:
        await obstore.delete_async(self._store, key)

    async def keys(self, prefix: str) -> list[str]:
        # The store lists whole path segments: from the prefix's folder, then by the rest.
        folder = prefix.rpartition("/")[0] or None
        found: list[str] = []
        async for batch in obstore.list(self._store, prefix=folder):
            found.extend(meta["path"] for meta in batch if meta["path"].startswith(prefix))
        return sorted(found)


class SealedObjects:
    """Any `ObjectStore`, every object encrypted at rest: sealed under a fresh data key,
    bound to its key (an object copied under another key does not open)."""

    def __init__(self, inner: ObjectStore, keys: SealingKeys) -> None:
        self._inner = inner
        self._keys = keys

    async def put(self, key: str, data: bytes) -> None:
        await self._inner.put(key, await asyncio.to_thread(self._keys.seal, data, key.encode()))

    async def get(self, key: str) -> bytes:
        sealed = await self._inner.get(key)
        try:
            return await asyncio.to_thread(self._keys.open, sealed, key.encode())
        except SealBroken as exc:
            raise type(exc)(f"attachment object {key!r}: {exc}") from None

    async def delete(self, key: str) -> None:
        await self._inner.delete(key)

    async def keys(self, prefix: str) -> list[str]:
        return await self._inner.keys(prefix)


def open_attachments(settings: IntakeSettings) -> ObjectStore:
    """The bucket when one is set, else the folder; sealed under the configured master
    keys, without which intake does not start (one clear line, as `load_settings` says)."""
    inner: ObjectStore = (
        S3Objects.connect(settings)
        if settings.attachments_bucket
        else FolderObjects(settings.attachments_folder)
    )
    return SealedObjects(inner, _master_keys(settings))


def _master_keys(settings: IntakeSettings) -> SealingKeys:
    problem = "required (or MO_INTAKE_ATTACHMENTS_KEYS_FILE): id:base64key lines"
    if settings.attachments_keys is not None:
        try:
            return SealingKeys.parse(settings.attachments_keys.get_secret_value())
        except ValueError as exc:
            problem = str(exc)
    print(f"configuration error: MO_INTAKE_ATTACHMENTS_KEYS: {problem}", file=sys.stderr)
    raise SystemExit(2)
