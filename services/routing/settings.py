from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.catalogue_file import CatalogueSettings
from shared.objects import AttachmentStoreSettings

__all__ = ["RoutingSettings"]

ROOT = Path(__file__).resolve().parents[2]


class RoutingSettings(AttachmentStoreSettings, CatalogueSettings):
    """Routing's settings, from `MO_ROUTING_*` (and `MO_KAFKA_BOOTSTRAP`); its
    `MO_ROUTING_ATTACHMENTS_*` name the same store and keys as intake's, which routing reads
    for the work queue (docs/attachments.md)."""

    model_config = SettingsConfigDict(env_prefix="MO_ROUTING_", extra="ignore", frozen=True)

    database_url: str = "sqlite+aiosqlite:///var/routing.db"
    port: int = Field(8002, ge=1, le=65535)
    overdue_check_seconds: float = Field(
        60, gt=0, le=3600, description="How often routing looks for requests past due."
    )
    digest_hour: int = Field(
        7, ge=0, le=23, description="From this hour (Cape Town) the day's digests go out."
    )
    rules_seed: Path = Field(
        ROOT / "deploy" / "routing-rules.yaml",
        description="Rules loaded into an empty store at first start.",
    )
