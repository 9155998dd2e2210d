"""Where attachments' bytes are kept, apart from the databases and from the bus (events
carry an attachment's id, kind, type, size and hash, never its bytes): the port
(`ObjectStore`), its adapters and the settings that choose them. Intake writes the objects;
routing reads them for the work queue (its thumbnails, and documents read with a reason).

Keys are `requests/<reference>/<attachment id>/<variant>` (`variant` = `original` or
`thumb`), so a resident's erasure or the retention job removes one request's objects by
listing its prefix. Adapters: a folder of this machine (`FolderObjects`, `make run`'s
default, `var/attachments/`) and any S3-compatible object store (`S3Objects`, production);
either is wrapped in `SealedObjects`, so every object is encrypted at rest under the master
keys of `MO_<SERVICE>_ATTACHMENTS_KEYS` (shared/sealing.py). `AttachmentStoreSettings` is
the settings of a service that reaches the store (intake, routing: the same folder or bucket
and the same keys); `open_attachments(settings)` chooses (docs/attachments.md).
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Protocol

import obstore
from obstore.store import S3Store
from pydantic import Field, SecretStr, model_validator

from shared.sealing import SealBroken, SealingKeys
from shared.settings import ServiceSettings

if TYPE_CHECKING:
    from obstore.store import S3Config

__all__ = [
    "AttachmentStoreSettings",
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


SECRET_FILES: Final = ("attachments_keys", "attachments_secret_access_key")
"""Settings that may instead be read from a file named by `..._FILE`."""


class AttachmentStoreSettings(ServiceSettings):
    """Where attachments' bytes are kept and the master keys that seal them: the settings of
    every service that reaches the store, under its own prefix (`MO_INTAKE_ATTACHMENTS_*`,
    `MO_ROUTING_ATTACHMENTS_*`), which must name the same folder or bucket and keys."""

    attachments_folder: Path = Field(
        Path("var/attachments"),
        description="The folder that keeps attachments' bytes (photos, documents) when no "
        "object store is set.",
    )
    attachments_keys: SecretStr | None = Field(
        None,
        description="The master keys attachments are encrypted with, `id:base64key` lines "
        "(32-byte keys), the last one sealing new objects and all of them opening; or "
        "`..._KEYS_FILE`, a file holding them (`make run` keeps one in var/dev/). Required "
        "to serve; no default (docs/attachments.md).",
    )
    attachments_keys_file: Path | None = Field(None, description="A file of the master keys.")
    attachments_bucket: str | None = Field(
        None,
        min_length=3,
        max_length=63,
        description="The S3-compatible object store's bucket for attachments; when unset, "
        "they are kept in the attachments folder.",
    )
    attachments_endpoint: str | None = Field(
        None,
        pattern=r"^https?://",
        description="The object store's URL (e.g. https://s3.example.org); AWS S3 when unset.",
    )
    attachments_region: str = Field("us-east-1", description="The object store's region.")
    attachments_access_key_id: str | None = Field(
        None, description="The object store's access key id; the AWS_* environment when unset."
    )
    attachments_secret_access_key: SecretStr | None = Field(
        None, description="Its secret (or `..._SECRET_ACCESS_KEY_FILE`, a file holding it)."
    )
    attachments_secret_access_key_file: Path | None = Field(
        None, description="A file holding the object store's secret access key."
    )

    @model_validator(mode="before")
    @classmethod
    def _secrets_from_files(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        for name in SECRET_FILES:
            if data.get(name) or (path := data.get(f"{name}_file")) is None:
                continue
            try:
                data = {**data, name: Path(path).read_text().strip()}
            except OSError as exc:
                setting = f"{_prefix(cls)}{name.upper()}_FILE"
                raise ValueError(f"{setting}: {path} cannot be read ({exc.strerror})") from None
        return data


def _prefix(settings_class: type[ServiceSettings]) -> str:
    return str(settings_class.model_config.get("env_prefix", "")).upper()


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
        # Only the folder the prefix names is walked (`requests/<reference>/`), not every
        # request's: an erasure or a purge lists one request among many thousands.
        folder = self._path(prefix.rpartition("/")[0]) if "/" in prefix else self._root
        if not folder.is_dir():
            return []
        root = self._root.resolve()
        files = (p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))
        return sorted(k for p in files if (k := p.relative_to(root).as_posix()).startswith(prefix))


class S3Objects:
    """One object per key in a bucket of an S3-compatible object store."""

    def __init__(self, store: S3Store) -> None:
        self._store = store

    @classmethod
    def connect(cls, settings: AttachmentStoreSettings) -> S3Objects:
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


def open_attachments(settings: AttachmentStoreSettings) -> ObjectStore:
    """The bucket when one is set, else the folder; sealed under the configured master
    keys, without which the service does not start (one clear line, as `load_settings` says)."""
    inner: ObjectStore = (
        S3Objects.connect(settings)
        if settings.attachments_bucket
        else FolderObjects(settings.attachments_folder)
    )
    return SealedObjects(inner, _master_keys(settings))


def _master_keys(settings: AttachmentStoreSettings) -> SealingKeys:
    setting = f"{_prefix(type(settings))}ATTACHMENTS_KEYS"
    problem = f"required (or {setting}_FILE): id:base64key lines"
    if settings.attachments_keys is not None:
        try:
            return SealingKeys.parse(settings.attachments_keys.get_secret_value())
        except ValueError as exc:
            problem = str(exc)
    print(f"configuration error: {setting}: {problem}", file=sys.stderr)
    raise SystemExit(2)
