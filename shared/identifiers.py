"""Residents' identifiers (phone numbers, e-mail addresses) kept only as keyed hashes: an
HMAC-SHA-256 under a key that lives outside the database (`MO_<SERVICE>_IDENTIFIER_KEY`, or
`_FILE`), so a copy of the store alone cannot tell whose they are. A plain SHA-256 of a South
African mobile number is not: there are about 10^9 of them, hashed in seconds.

`unkeyed_hash` is how STOPs and privacy requests were hashed before: nothing can rehash those
rows (the numbers are not kept), so the few checks that must still honour them look for both."""

from __future__ import annotations

import hashlib
import hmac
import sys
from pathlib import Path
from typing import Any, TypeVar

from pydantic import Field, SecretStr, model_validator

from shared.sealing import new_key_line
from shared.settings import ServiceSettings

__all__ = [
    "IdentifierKey",
    "KeyedIdentifierSettings",
    "settings_for_describing",
    "unkeyed_hash",
]

MIN_KEY_CHARS = 32
_DESCRIBING_ONLY = "not a key: an app made only to describe its interface (make docs)"
S = TypeVar("S", bound=ServiceSettings)


class IdentifierKey:
    """The service's key; `hash(purpose, identifier)` is what its store keeps."""

    def __init__(self, key: str) -> None:
        self._key = key.encode()

    def hash(self, purpose: str, identifier: str) -> str:
        message = f"mobileoffice {purpose} {identifier}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()


def unkeyed_hash(purpose: str, identifier: str) -> str:
    """The hash rows made before the key have (read only, never written)."""
    return hashlib.sha256(f"mobileoffice {purpose} {identifier}".encode()).hexdigest()


class KeyedIdentifierSettings(ServiceSettings):
    """The settings of a service that keeps identifiers' hashes (intake, notifications)."""

    identifier_key: SecretStr | None = Field(
        None,
        min_length=MIN_KEY_CHARS,
        description="The key of the identifiers' hashes (at least 32 characters; `make run` "
        "makes one in var/dev/); or `..._IDENTIFIER_KEY_FILE`, a file holding it. Required to "
        "serve (the command-line tools, which only reach the store, do without); no default. "
        "Changing it forgets every STOP and erasure kept.",
    )
    identifier_key_file: Path | None = Field(
        None, description="A file holding the identifier key (instead of the key itself)."
    )

    @model_validator(mode="before")
    @classmethod
    def _key_from_file(cls, data: Any) -> Any:
        if not isinstance(data, dict) or data.get("identifier_key"):
            return data
        if (path := data.get("identifier_key_file")) is None:
            return data
        try:
            key = Path(path).read_text().strip()
        except OSError as exc:
            setting = f"{cls.model_config.get('env_prefix', 'MO_')}IDENTIFIER_KEY_FILE"
            raise ValueError(f"{setting}: {path} cannot be read ({exc.strerror})") from None
        return {**data, "identifier_key": key}

    def identifiers(self) -> IdentifierKey:
        """The key, or exit with one clear line (as `load_settings` does) when none is set."""
        if self.identifier_key is None:
            setting = f"{self.model_config.get('env_prefix', 'MO_')}IDENTIFIER_KEY"
            print(
                f"configuration error: {setting}: required (or {setting}_FILE): the key of "
                "residents' identifiers' hashes, kept outside the database",
                file=sys.stderr,
            )
            raise SystemExit(2)
        return IdentifierKey(self.identifier_key.get_secret_value())


def settings_for_describing(settings_class: type[S], **values: Any) -> S:
    """Settings for an app made only to describe its interface (its OpenAPI and AsyncAPI
    documents, tests of its routes): it never serves, so neither its identifiers' key, nor
    its attachments' master key (a random one), nor its development outbox (notifications'
    messages as files) is ever used."""
    if issubclass(settings_class, KeyedIdentifierSettings):
        values.setdefault("identifier_key", _DESCRIBING_ONLY)
    if "attachments_keys" in settings_class.model_fields:
        values.setdefault("attachments_keys", new_key_line("describing-only"))
    if "outbox_dir" in settings_class.model_fields:
        values.setdefault("outbox_dir", Path("var/outbox"))
    return settings_class(**values)
