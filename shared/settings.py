"""The settings every service shares; each service subclasses with its own `MO_<SERVICE>_` prefix.

A wrong setting stops the service at start with one line per problem that names the
environment variable and what is wrong (`load_settings`).
"""

from __future__ import annotations

import ipaddress
import sys
from typing import TypeVar

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["ServiceSettings", "load_settings"]

S = TypeVar("S", bound="ServiceSettings")


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", frozen=True, populate_by_name=True)

    kafka_bootstrap: str = Field(
        "127.0.0.1:9092",
        validation_alias="MO_KAFKA_BOOTSTRAP",
        description="Kafka bootstrap servers, host:port[,host:port].",
    )
    database_url: str = Field(description="SQLAlchemy async URL of this service's own store.")
    host: str = "127.0.0.1"
    port: int = Field(ge=1, le=65535)
    log_level: str = Field("INFO", pattern=r"^(DEBUG|INFO|WARNING|ERROR)$")
    consumer_group: str = Field(
        "",
        pattern=r"^[A-Za-z0-9._-]*$",
        description="Kafka consumer group (and inbox name); the service's name when empty.",
    )
    outbox_sweep_seconds: float = Field(
        1.0, gt=0, le=60, description="How often the outbox relay looks for rows it missed."
    )
    outbox_batch_size: int = Field(
        1000,
        ge=1,
        le=10_000,
        description="Events the relay publishes before deleting them; a crash in between "
        "publishes at most this many again.",
    )

    inbox_retention_days: int = Field(
        8,
        ge=1,
        le=90,
        description="How long processed event ids are kept: as long as a topic could deliver "
        "an event again (Kafka's week, and a day).",
    )
    details_retention_days: int = Field(
        730,
        ge=31,
        description="Days after a request is resolved or closed until its description and "
        "exact place are replaced by its category and community (intake, routing).",
    )
    purge_every_seconds: float = Field(
        3600.0,
        gt=0,
        description="How often the retention rules run (docs/operations.md, personal information).",
    )

    trusted_proxies: str = Field(
        "",
        description="Addresses or networks (comma-separated, e.g. 10.0.0.5,172.18.0.0/16) of "
        "the reverse proxies in front of the service. From them, X-Forwarded-For and "
        "X-Forwarded-Proto give the client's address and scheme; from anyone else, and when "
        "empty, they are ignored.",
    )

    @property
    def trusted_proxy_list(self) -> list[str]:
        return [p.strip() for p in self.trusted_proxies.split(",") if p.strip()]

    @field_validator("trusted_proxies")
    @classmethod
    def _addresses(cls, value: str) -> str:
        for proxy in (p.strip() for p in value.split(",") if p.strip()):
            try:
                ipaddress.ip_network(proxy, strict=False)
            except ValueError:
                # Not `*` either: trusting everyone lets any client choose its own address.
                raise ValueError(f"{proxy!r} is not an IP address or network") from None
        return value

    @field_validator("database_url")
    @classmethod
    def _known_driver(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        return value

    @field_validator("kafka_bootstrap")
    @classmethod
    def _host_ports(cls, value: str) -> str:
        for server in value.split(","):
            host, _, port = server.strip().rpartition(":")
            if not host or not port.isdigit():
                raise ValueError(f"{server!r} is not host:port")
        return value


def load_settings(cls: type[S]) -> S:
    """Build settings from the environment, or exit with one clear line per bad setting."""
    try:
        return cls()
    except ValidationError as exc:
        prefix = str(cls.model_config.get("env_prefix", "MO_"))
        for err in exc.errors():
            if not err["loc"]:  # a check of several settings, which names them itself
                print(f"configuration error: {err['msg']}", file=sys.stderr)
                continue
            field = str(err["loc"][0])
            name = field if field.startswith("MO_") else f"{prefix}{field}".upper()
            print(f"configuration error: {name}: {err['msg']}", file=sys.stderr)
        raise SystemExit(2) from None
