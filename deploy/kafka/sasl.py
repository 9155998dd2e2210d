"""A broker's SASL/SCRAM listeners, plain and over TLS, and the users made when storage is
formatted (KRaft takes SCRAM credentials at format time, before the broker first starts)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

MECHANISM = "SCRAM-SHA-512"
_LOGIN = "org.apache.kafka.common.security.scram.ScramLoginModule required;"


def listeners(plain_port: int | None, tls_port: int | None) -> list[str]:
    """SASL listeners on loopback (inter-broker traffic and the controller keep their own)."""
    found = []
    if plain_port is not None:
        found.append(f"SASL_PLAINTEXT://127.0.0.1:{plain_port}")
    if tls_port is not None:
        found.append(f"SASL_SSL://127.0.0.1:{tls_port}")
    return found


def settings(tls_pem: Path | None) -> dict[str, str]:
    """The brokers' side of SCRAM on both listeners; `tls_pem` holds the TLS listener's
    private key (PKCS#8) and certificate chain, as Kafka's PEM key store reads it."""
    found = {
        "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,"
        "SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL",
        "sasl.enabled.mechanisms": MECHANISM,
        f"listener.name.sasl_plaintext.{MECHANISM.lower()}.sasl.jaas.config": _LOGIN,
        f"listener.name.sasl_ssl.{MECHANISM.lower()}.sasl.jaas.config": _LOGIN,
    }
    if tls_pem is not None:
        found["listener.name.sasl_ssl.ssl.keystore.type"] = "PEM"
        found["listener.name.sasl_ssl.ssl.keystore.location"] = str(tls_pem)
    return found


def format_arguments(users: Mapping[str, str]) -> list[str]:
    """StorageTool's `--add-scram` arguments for `users` (name -> password)."""
    return [
        arg
        for name, password in users.items()
        for arg in ("--add-scram", f"{MECHANISM}=[name={name},password={password}]")
    ]
