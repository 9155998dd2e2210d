"""How a local broker lets clients in: SASL/SCRAM-SHA-512 on every client listener (plain, and
over TLS where a key store is given), users made when storage is formatted (KRaft takes SCRAM
credentials at format time, before the broker first starts), and the StandardAuthorizer
denying whatever the ACLs (deploy/kafka/bus_access.py) do not allow.

`admin` is the one super user: brokers talk to each other as admin over SCRAM, and to the
controller as admin over SASL/PLAIN (KRaft's controller listener cannot use SCRAM: SCRAM
users live in the metadata the controller serves)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

MECHANISM = "SCRAM-SHA-512"
ADMIN = "admin"
_SCRAM = "org.apache.kafka.common.security.scram.ScramLoginModule required"
_PLAIN = "org.apache.kafka.common.security.plain.PlainLoginModule required"


def listeners(port: int, controller_port: int, tls_port: int | None) -> dict[str, str]:
    """Client listeners on loopback: SASL_PLAINTEXT on `port`, SASL_SSL on `tls_port`."""
    client = [f"SASL_PLAINTEXT://127.0.0.1:{port}"]
    if tls_port is not None:
        client.append(f"SASL_SSL://127.0.0.1:{tls_port}")
    return {
        "listeners": ",".join([*client, f"CONTROLLER://127.0.0.1:{controller_port}"]),
        "advertised.listeners": ",".join(client),
    }


def settings(admin_password: str, tls_pem: Path | None) -> dict[str, str]:
    """The brokers' side of SASL and the authorizer. Holds admin's password: the rendered
    properties are written readable by their owner only, never passed on a command line."""
    found = {
        "listener.security.protocol.map": "SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL,"
        "CONTROLLER:SASL_PLAINTEXT",
        "inter.broker.listener.name": "SASL_PLAINTEXT",
        "sasl.enabled.mechanisms": MECHANISM,
        "sasl.mechanism.inter.broker.protocol": MECHANISM,
        f"listener.name.sasl_plaintext.{MECHANISM.lower()}.sasl.jaas.config": (
            f'{_SCRAM} username="{ADMIN}" password="{admin_password}";'
        ),
        f"listener.name.sasl_ssl.{MECHANISM.lower()}.sasl.jaas.config": f"{_SCRAM};",
        "sasl.mechanism.controller.protocol": "PLAIN",
        "listener.name.controller.sasl.enabled.mechanisms": "PLAIN",
        "listener.name.controller.plain.sasl.jaas.config": (
            f'{_PLAIN} username="{ADMIN}" password="{admin_password}" '
            f'user_{ADMIN}="{admin_password}";'
        ),
        "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
        "allow.everyone.if.no.acl.found": "false",
        "super.users": f"User:{ADMIN}",
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
