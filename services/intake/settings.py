from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from shared.identifiers import KeyedIdentifierSettings

__all__ = ["IntakeSettings"]

SECRET_FILES = ("attachments_keys", "attachments_secret_access_key")
"""Settings that may instead be read from a file named by `..._FILE`."""


class IntakeSettings(KeyedIdentifierSettings):
    """Intake's settings, from `MO_INTAKE_*` (and `MO_KAFKA_BOOTSTRAP`)."""

    model_config = SettingsConfigDict(env_prefix="MO_INTAKE_", extra="ignore", frozen=True)

    database_url: str = "sqlite+aiosqlite:///var/intake.db"
    port: int = Field(8001, ge=1, le=65535)
    jurisdiction_id: str = Field(
        "mobileoffice.capetown",
        min_length=1,
        max_length=100,
        description="Open311's jurisdiction_id for this City; any other is answered 404.",
    )
    documents_retention_days: int = Field(
        180,
        ge=31,
        description="Days after a request is resolved, closed or referred until its "
        "documents (rows and objects) are deleted: the City's decision can be appealed and "
        "then taken on review for 180 days (PAJA s7(1)); at least 31, the 30 days a resident "
        "may say a resolved request is not fixed (docs/attachments.md).",
    )
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
                setting = f"MO_INTAKE_{name.upper()}_FILE"
                raise ValueError(f"{setting}: {path} cannot be read ({exc.strerror})") from None
        return data
