"""How every Kafka client of a service or tool connects: plaintext, or SASL (SCRAM) with or
without TLS, from the environment, the same for all of them:

- `MO_KAFKA_SECURITY_PROTOCOL`: SASL_PLAINTEXT (default), SASL_SSL, or PLAINTEXT for a broker
  that asks for no login,
- `MO_KAFKA_SASL_MECHANISM`: SCRAM-SHA-512 (default) or SCRAM-SHA-256,
- `MO_KAFKA_SASL_USERNAME`, and `MO_KAFKA_SASL_PASSWORD` or `MO_KAFKA_SASL_PASSWORD_FILE`,
- `MO_KAFKA_SSL_CAFILE`: the CA that signed the brokers' certificates (SASL_SSL).

aiokafka's clients take `options()`; FastStream's broker takes `faststream_security()`;
neither opens a socket by hand, and TLS always verifies the broker's certificate."""

from __future__ import annotations

import os
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from faststream.security import BaseSecurity, SASLScram256, SASLScram512

__all__ = ["KafkaSecurity", "faststream_security", "options", "security"]

PROTOCOLS: Final = ("PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL")
MECHANISMS: Final = ("SCRAM-SHA-512", "SCRAM-SHA-256")


@dataclass(frozen=True, slots=True)
class KafkaSecurity:
    protocol: str = "PLAINTEXT"
    mechanism: str = "SCRAM-SHA-512"
    username: str | None = None
    password: str | None = None
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


def security(env: Mapping[str, str] | None = None) -> KafkaSecurity:
    """The settings `env` (the process's environment) gives; a wrong one stops the caller
    with the variable's name and what to fix."""
    env = os.environ if env is None else env
    protocol = env.get("MO_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT").upper()
    if protocol not in PROTOCOLS:
        raise SystemExit(f"MO_KAFKA_SECURITY_PROTOCOL={protocol!r}: use one of {PROTOCOLS}")
    if protocol == "PLAINTEXT":
        return KafkaSecurity()
    mechanism = env.get("MO_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512").upper()
    if mechanism not in MECHANISMS:
        raise SystemExit(f"MO_KAFKA_SASL_MECHANISM={mechanism!r}: use one of {MECHANISMS}")
    username = env.get("MO_KAFKA_SASL_USERNAME")
    password = env.get("MO_KAFKA_SASL_PASSWORD")
    if password is None and (password_file := env.get("MO_KAFKA_SASL_PASSWORD_FILE")):
        password = Path(password_file).read_text().strip()
    if not username or not password:
        raise SystemExit(
            f"{protocol} needs MO_KAFKA_SASL_USERNAME and MO_KAFKA_SASL_PASSWORD "
            "(or MO_KAFKA_SASL_PASSWORD_FILE)"
        )
    cafile = env.get("MO_KAFKA_SSL_CAFILE")
    return KafkaSecurity(protocol, mechanism, username, password, cafile)


def options() -> dict[str, Any]:
    """Keyword arguments for aiokafka's producers, consumers and admin clients."""
    return security().options()


def faststream_security() -> BaseSecurity | None:
    return security().faststream()
