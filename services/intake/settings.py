from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from services.intake.resident.adapters import served_communities
from services.intake.resident.domain import ResidentLinks
from shared.catalogue_file import CatalogueSettings
from shared.identifiers import KeyedIdentifierSettings
from shared.objects import AttachmentStoreSettings

__all__ = ["IntakeSettings"]

ROOT = Path(__file__).resolve().parents[2]


class IntakeSettings(KeyedIdentifierSettings, AttachmentStoreSettings, CatalogueSettings):
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
    scheduling_url: str = Field(
        "http://127.0.0.1:8004",
        pattern=r"^https?://[^/?#]+(/[^?#]*[^/?#])?$",
        description="Scheduling's public address (no final /): the visits page links to its "
        "iCalendar feed.",
    )
    notifications_url: str = Field(
        "http://127.0.0.1:8003",
        pattern=r"^https?://[^/?#]+(/[^?#]*[^/?#])?$",
        description="Notifications' public address (no final /): the visits page's news form "
        "posts to its POST /visits/subscribe.",
    )
    communities_seed: Path = Field(
        ROOT / "deploy" / "communities.yaml",
        description="The communities the Mobile Office serves (scheduling's seed file): the "
        "visits page lists each, announced or not.",
    )

    def resident_links(self) -> ResidentLinks:
        return ResidentLinks(
            self.scheduling_url,
            self.notifications_url,
            served_communities(self.communities_seed),
        )
