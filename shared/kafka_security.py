"""How every Kafka client of a service or tool connects: plaintext, or SASL (SCRAM) with or
without TLS, from the environment, the same for all of them:

- `MO_KAFKA_SECURITY_PROTOCOL`: SASL_PLAINTEXT (default), SASL_SSL, or PLAINTEXT for a broker
  that asks for no login,
- `MO_KAFKA_SASL_MECHANISM`: SCRAM-SHA-512 (default) or SCRAM-SHA-256,
- `MO_KAFKA_SASL_USERNAME`, and `MO_KAFKA_SASL_PASSWORD` or `MO_KAFKA_SASL_PASSWORD_FILE`,
- `MO_KAFKA_SSL_CAFILE`: the CA that signed the brokers' certificates (SASL_SSL),
- `MO_KAFKA_REPLICATION_FACTOR` and `MO_KAFKA_LOGGED_RETENTION_HOURS`: the topics' policy
  (deploy/kafka/topic_policy.py),

all read by one `KafkaSettings`.

aiokafka's clients take `options()`; FastStream's broker takes `faststream_security()`;
neither opens a socket by hand, and TLS always verifies the broker's certificate."""

from __future__ import annotations

import os
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

from faststream.security import BaseSecurity, SASLScram256, SASLScram512
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import ErrorDetails

__all__ = ["KafkaSecurity", "KafkaSettings", "faststream_security", "options", "security"]


@dataclass(frozen=True, slots=True)
class KafkaSecurity:
    protocol: str = "PLAINTEXT"
    mechanism: str = "SCRAM-SHA-512"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    cafile: str | None = None

    def ssl_context(self) -> ssl.SSLContext | None:
        if self.protocol != "SASL_SSL":
            return None
        return ssl.create_default_context(cafile=self.cafile)  # verifies host and chain

    def options(self) -> dict[str, Any]:
        if self.protocol == "PLAINTEXT":
            return {}
        return {
            "security_protocol": self.protocol,
            "sasl_mechanism": self.mechanism,
            "sasl_plain_username": self.username,
            "sasl_plain_password": self.password,
            "ssl_context": self.ssl_context(),
        }

    def faststream(self) -> BaseSecurity | None:
        if self.protocol == "PLAINTEXT":
            return None
        kind = SASLScram512 if self.mechanism == "SCRAM-SHA-512" else SASLScram256
        use_ssl = self.protocol == "SASL_SSL"
        return kind(
            username=self.username or "",
            password=self.password or "",
            ssl_context=self.ssl_context(),
            use_ssl=use_ssl,
        )


class KafkaSettings(BaseModel):
    """Every Kafka client's settings, from the `MO_KAFKA_*` variables (the same for every
    service and tool; the bootstrap servers are each service's own setting)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    security_protocol: Literal["PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL"] = "SASL_PLAINTEXT"
    sasl_mechanism: Literal["SCRAM-SHA-512", "SCRAM-SHA-256"] = "SCRAM-SHA-512"
    sasl_username: str | None = None
    sasl_password: str | None = Field(None, repr=False)
    sasl_password_file: Path | None = None
    ssl_cafile: str | None = None
    replication_factor: int = Field(1, ge=1)
    """How many brokers keep each topic (deploy/kafka/topic_policy.py)."""
    logged_retention_hours: int = Field(96, ge=1)
    """How long the topics with residents' details keep them."""

    @field_validator("security_protocol", "sasl_mechanism", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> KafkaSettings:
        """The settings `env` (the process's environment) gives; a wrong one stops the caller
        with the variable's name and what to fix."""
        env = os.environ if env is None else env
        names = {name: _VARIABLE + name.upper() for name in cls.model_fields}
        given = {name: env[variable] for name, variable in names.items() if variable in env}
        try:
            return cls.model_validate(given)
        except ValidationError as exc:
            raise SystemExit("; ".join(_why(e, given) for e in exc.errors())) from None

    def security(self) -> KafkaSecurity:
        protocol = self.security_protocol
        if protocol == "PLAINTEXT":
            return KafkaSecurity()
        password = self.sasl_password
        if password is None and self.sasl_password_file is not None:
            password = self.sasl_password_file.read_text().strip()
        if not self.sasl_username or not password:
            raise SystemExit(
                f"{protocol} needs MO_KAFKA_SASL_USERNAME and MO_KAFKA_SASL_PASSWORD "
                "(or MO_KAFKA_SASL_PASSWORD_FILE)"
            )
        return KafkaSecurity(
            protocol, self.sasl_mechanism, self.sasl_username, password, self.ssl_cafile
        )


_VARIABLE: Final = "MO_KAFKA_"


def _why(error: ErrorDetails, given: Mapping[str, str]) -> str:
    name = str(error["loc"][0]) if error["loc"] else ""
    variable = _VARIABLE + name.upper()
    shown = "" if "password" in name else f"={given.get(name)!r}"
    return f"{variable}{shown}: {error['msg']}"


def security(env: Mapping[str, str] | None = None) -> KafkaSecurity:
    """How a client connects, from the environment (or `env`)."""
    return KafkaSettings.from_env(env).security()


def options() -> dict[str, Any]:
    """Keyword arguments for aiokafka's producers, consumers and admin clients."""
    return security().options()


def faststream_security() -> BaseSecurity | None:
    return security().faststream()
