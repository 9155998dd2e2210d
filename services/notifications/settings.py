from __future__ import annotations

from pathlib import Path

from pydantic import EmailStr, Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from services.notifications.domain import QuietHours
from shared.settings import ServiceSettings

__all__ = ["NotificationsSettings"]

ROOT = Path(__file__).resolve().parents[2]


class NotificationsSettings(ServiceSettings):
    """Notifications' settings, from `MO_NOTIFICATIONS_*` (and `MO_KAFKA_BOOTSTRAP`). With no
    SMTP host and no SMS gateway, messages are written to `outbox_dir` instead."""

    model_config = SettingsConfigDict(env_prefix="MO_NOTIFICATIONS_", extra="ignore", frozen=True)

    database_url: str = "sqlite+aiosqlite:///var/notifications.db"
    port: int = Field(8003, ge=1, le=65535)
    smtp_host: str | None = None
    smtp_port: int = Field(25, ge=1, le=65535)
    smtp_from: str = "Mobile Office <mobileoffice@capetown.gov.za>"
    sms_url: str | None = Field(None, pattern=r"^https?://", description="The SMS gateway's URL.")
    outbox_dir: Path = ROOT / "var" / "outbox"
    quiet_hours: str = Field("20:00-07:00", description="No SMS in this window; `off` disables.")
    max_attempts: int = Field(5, ge=1, le=20)
    contact_retention_days: int = Field(
        90,
        ge=31,  # past the 30 days a resident may still say NOT FIXED
        description="Days a request's contact details are kept after it is resolved or closed.",
    )
    pending_subscription_days: int = Field(
        7, ge=1, description="Days an unconfirmed subscription is kept."
    )
    public_url: str = Field(
        "http://127.0.0.1:8003",
        pattern=r"^https?://[^/]+$",
        description="Where residents reach this service: the links in e-mails lead here.",
    )
    supervisors: dict[str, EmailStr] = Field(
        default_factory=dict,
        description="Department slug to its supervisor's e-mail address, for the daily digest "
        "of escalated requests (JSON).",
    )
    communities_seed: Path = Field(
        ROOT / "deploy" / "communities.yaml",
        description="The communities one may subscribe to (scheduling's seed file).",
    )
    inbound_secret: SecretStr | None = Field(
        None,
        description="Shared with the SMS gateway: it signs each reply (X-MO-Signature). "
        "Without it every reply is refused.",
    )

    @field_validator("quiet_hours")
    @classmethod
    def _window(cls, value: str) -> str:
        QuietHours.parse(value)
        return value
