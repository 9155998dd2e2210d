"""Services as real processes, for tests that kill them."""

from __future__ import annotations

import base64
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

from deploy.kafka.principals import client_env, password_file
from deploy.probe import wait_until_ok

ROOT = Path(__file__).resolve().parents[2]

__all__ = ["ServiceProcess", "client_env", "free_port", "own_principal"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def own_principal(name: str) -> dict[str, str]:
    """Where the tests reach the local brokers as admin, a service connects as itself, so its
    ACLs are in force in every test that runs it as a process."""
    if os.environ.get("MO_KAFKA_SASL_PASSWORD_FILE") != str(password_file("admin")):
        return {}
    env: dict[str, str] = client_env(name, protocol=os.environ["MO_KAFKA_SECURITY_PROTOCOL"])
    return env


IDENTIFIER_KEY = "the identifier key of tests, and of nothing else"


def identifier_key(name: str) -> dict[str, str]:
    """The key a service hashes residents' identifiers with (ignored by those that keep none)."""
    return {f"MO_{name.upper()}_IDENTIFIER_KEY": IDENTIFIER_KEY}


ATTACHMENT_KEYS = "tests-1:" + base64.b64encode(b"the master key of tests, only...").decode()


def attachment_keys(name: str) -> dict[str, str]:
    """The master key intake seals attachments with and routing opens them with (ignored by
    the other services)."""
    return {f"MO_{name.upper()}_ATTACHMENTS_KEYS": ATTACHMENT_KEYS}


class ServiceProcess:
    """`python -m services.<name>` with its own environment, as its own Kafka principal, and a
    log file to inspect."""

    def __init__(self, name: str, env: dict[str, str], log: Path) -> None:
        self.name = name
        self.port = free_port()
        self.env = {
            **os.environ,
            **own_principal(name),
            **identifier_key(name),
            **attachment_keys(name),
            **env,
            f"MO_{name.upper()}_PORT": str(self.port),
        }
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", f"services.{self.name}"],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        process = self.process
        if not wait_until_ok(f"{self.url}/healthz", timeout, alive=lambda: process.poll() is None):
            raise AssertionError(f"{self.name} did not start:\n{self.log.read_text()}")

    def kill(self) -> None:
        """kill -9: no shutdown hook runs, as when a machine loses power."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
