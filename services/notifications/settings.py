from __future__ import annotations

import sys
from pathlib import Path

from pydantic import EmailStr, Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from services.notifications.deliveries.domain import QuietHours
from shared.catalogue_file import CatalogueSettings
from shared.identifiers import KeyedIdentifierSettings

__all__ = ["NotificationsSettings"]

ROOT = Path(__file__).resolve().parents[2]


class NotificationsSettings(KeyedIdentifierSettings, CatalogueSettings):
    """Notifications' settings, from `MO_NOTIFICATIONS_*` (and `MO_KAFKA_BOOTSTRAP`). A channel
    with no SMS gateway or SMTP host needs `outbox_dir` (development only: messages become
    files there); without it notifications refuses to start. An empty value is an unset one
    (Compose passes `""` for a variable the host leaves unset)."""

    model_config = SettingsConfigDict(env_prefix="MO_NOTIFICATIONS_", extra="ignore", frozen=True)

    database_url: str = "sqlite+aiosqlite:///var/notifications.db"
    port: int = Field(8003, ge=1, le=65535)
    smtp_host: str | None = None
    smtp_port: int = Field(25, ge=1, le=65535)
    smtp_from: str = "Mobile Office <mobileoffice@capetown.gov.za>"
    sms_url: str | None = Field(None, pattern=r"^https?://", description="The SMS gateway's URL.")
    outbox_dir: Path | None = Field(
        None,
        validate_default=True,
        description="Development only: where SMS and e-mails are written as files when no "
        "gateway or SMTP host is set (`make run` sets var/outbox).",
    )
    quiet_hours: str = Field("20:00-07:00", description="No SMS in this window; `off` disables.")
    retry_budget_hours: float = Field(
        6, gt=0, le=72, description="How long a message is retried after its first try failed."
    )
    retry_cap_seconds: float = Field(
        300, ge=1, le=3600, description="The longest wait between two tries of a message."
    )
    max_attempts: int | None = Field(
        None, ge=1, le=1000, description="Give up after this many tries too (none: time only)."
    )
    sms_per_second: float = Field(
        30,
        ge=0,
        description="The SMS gateway's rate: messages a second at most (0: no limit). Bulk SMS "
        "providers commonly allow 30 to 100; the 07:00 release flows at this pace.",
    )
    sms_timeout_seconds: float = Field(10, gt=0, le=120, description="One SMS send's timeout.")
    dispatch_concurrency: int = Field(
        50,
        ge=1,
        le=500,
        description="Messages in flight at once: also the most a crash can send twice to a "
        "gateway that ignores Idempotency-Key.",
    )
    record_group: int = Field(
        50, ge=1, le=500, description="The most outcomes recorded in one transaction."
    )
    contact_retention_days: int = Field(
        90,
        ge=31,  # past the 30 days a resident may still say NOT FIXED
        description="Days a request's contact details are kept after it is resolved, closed "
        "or referred.",
    )
    pending_subscription_days: int = Field(
        7, ge=1, description="Days an unconfirmed subscription is kept."
    )
    public_url: str = Field(
        "http://127.0.0.1:8003",
        pattern=r"^https?://[^/]+$",
        description="Where residents reach this service: the links in e-mails lead here.",
    )
    public_base_url: str | None = Field(
        None,
        pattern=r"^https?://[^/]+$",
        description="The public address of intake, where a resident follows a request: each "
        "SMS about a request ends with <this>/r/<reference> where it still fits one segment, "
        "and every e-mail about one carries it; the visit-news form's answer links back to "
        "<this>/visits/. Unset: no links in messages, and the form links back to "
        "http://127.0.0.1:8001/visits/ (`make run` and Compose set http://127.0.0.1:8001).",
    )
    fixed_check_days: float = Field(
        7,
        gt=0,
        le=30,  # NOT FIXED reopens only within 30 days of the resolution
        description="Days after a request is resolved when its resident is asked by SMS "
        "whether it was fixed (FIXED or NOT FIXED <reference>).",
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

    ussd_secret: SecretStr | None = Field(
        None,
        description="Shared with the USSD gateway: it signs each request (X-MO-Signature). "
        "Without it every USSD request is refused.",
    )

    @field_validator(
        "sms_url",
        "smtp_host",
        "outbox_dir",
        "inbound_secret",
        "ussd_secret",
        "public_base_url",
        mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    def visits_page(self) -> str:
        """Intake's visits page, where the visit-news form's answer links back."""
        return f"{self.public_base_url or 'http://127.0.0.1:8001'}/visits/"

    def file_outbox(self) -> Path | None:
        """Where messages become files (development), or None when every channel has a
        gateway; exits with one clear line when a channel has neither. Asked when the service
        is made, not when its settings are read: the tools that only open its store (tokens,
        migrations) need no channel."""
        unset = [
            f"MO_NOTIFICATIONS_{name.upper()}"
            for name in ("sms_url", "smtp_host")
            if not getattr(self, name)
        ]
        if unset and self.outbox_dir is None:
            print(
                f"configuration error: MO_NOTIFICATIONS_OUTBOX_DIR: {' and '.join(unset)} not "
                "set: set the SMS gateway and the mail server, or in development only "
                "MO_NOTIFICATIONS_OUTBOX_DIR to write messages to files",
                file=sys.stderr,
            )
            raise SystemExit(2)
        return self.outbox_dir

    @field_validator("quiet_hours")
    @classmethod
    def _window(cls, value: str) -> str:
        QuietHours.parse(value)
        return value
