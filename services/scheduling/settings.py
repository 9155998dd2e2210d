from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings

__all__ = ["SchedulingSettings"]

ROOT = Path(__file__).resolve().parents[2]


class SchedulingSettings(ServiceSettings):
    """Scheduling's settings, from `MO_SCHEDULING_*` (and `MO_KAFKA_BOOTSTRAP`)."""

    model_config = SettingsConfigDict(env_prefix="MO_SCHEDULING_", extra="ignore", frozen=True)

    database_url: str = "sqlite+aiosqlite:///var/scheduling.db"
    port: int = Field(8004, ge=1, le=65535)
    communities_seed: Path = Field(
        ROOT / "deploy" / "communities.yaml",
        description="Areas, communities, venues and teams loaded into an empty store.",
    )
