"""The Kafka principals' passwords on this machine: one file each under var/dev/kafka/
(`<principal>.password`, readable by its owner only), made on first need and never in git.
Every local broker (make run's, the tests', the benchmarks') is formatted with them, and each
process is given its own principal's file through the MO_KAFKA_SASL_* settings."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

from deploy.kafka.bus_access import ADMIN, PRINCIPALS
from deploy.kafka.jars import ROOT

CREDENTIALS_DIR = ROOT / "var" / "dev" / "kafka"


def password_file(principal: str, directory: Path = CREDENTIALS_DIR) -> Path:
    return directory / f"{principal}.password"


def passwords(directory: Path = CREDENTIALS_DIR) -> dict[str, str]:
    """Every principal's password, making the missing ones (a new broker is formatted with
    these; one formatted before keeps the passwords it was formatted with)."""
    found = {}
    for principal in PRINCIPALS:
        path = password_file(principal, directory)
        if not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(24) + "\n")
        found[principal] = path.read_text().strip()
    return found


def client_env(
    principal: str = ADMIN, protocol: str = "SASL_PLAINTEXT", directory: Path = CREDENTIALS_DIR
) -> dict[str, str]:
    """The MO_KAFKA_* settings a process connects to a local broker with, as `principal`."""
    passwords(directory)
    return {
        "MO_KAFKA_SECURITY_PROTOCOL": protocol,
        "MO_KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
        "MO_KAFKA_SASL_USERNAME": principal,
        "MO_KAFKA_SASL_PASSWORD_FILE": str(password_file(principal, directory)),
    }


def main(argv: list[str]) -> int:
    """`principals.py env NAME`: the settings to reach the local broker as NAME (shell
    `export` lines; the password stays in its file)."""
    if len(argv) != 2 or argv[0] != "env" or argv[1] not in PRINCIPALS:
        print(f"usage: principals.py env {{{','.join(PRINCIPALS)}}}", file=sys.stderr)
        return 2
    for name, value in client_env(argv[1]).items():
        print(f"export {name}={value}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
