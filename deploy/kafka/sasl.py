"""A broker's SASL/SCRAM listener: its settings, and the users made when storage is formatted
(KRaft takes SCRAM credentials at format time, before the broker first starts)."""

from __future__ import annotations

from collections.abc import Mapping

MECHANISM = "SCRAM-SHA-512"


def listener(port: int) -> str:
    """A SASL_PLAINTEXT listener on loopback `port` (inter-broker traffic and the controller
    stay on their own listeners)."""
    return f"SASL_PLAINTEXT://127.0.0.1:{port}"


SETTINGS = {
    "listener.security.protocol.map": (
        "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT"
    ),
    "sasl.enabled.mechanisms": MECHANISM,
    f"listener.name.sasl_plaintext.{MECHANISM.lower()}.sasl.jaas.config": (
        "org.apache.kafka.common.security.scram.ScramLoginModule required;"
    ),
}


def format_arguments(users: Mapping[str, str]) -> list[str]:
    """StorageTool's `--add-scram` arguments for `users` (name -> password)."""
    return [
        arg
        for name, password in users.items()
        for arg in ("--add-scram", f"{MECHANISM}=[name={name},password={password}]")
    ]
