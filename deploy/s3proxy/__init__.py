"""An S3-compatible server on this machine for the tests of intake's S3 adapter: S3Proxy
from Maven Central jars (deploy/s3proxy/pom.xml, cached in .cache/s3proxy/libs), its objects
as files under its data folder (jclouds' filesystem-nio2 provider), without Docker.

    python -m deploy.s3proxy install                                   # fetch the jars once
    python -m deploy.s3proxy start --port 19000 --data var/s3-test     # start, wait for it
    python -m deploy.s3proxy stop --data var/s3-test
    python -m deploy.s3proxy status --port 19000

An access key id and secret are made at the first start and kept, with the endpoint and the
bucket, in `<data>/server.json` (readable by its owner only), which the tests read.
"""

from __future__ import annotations

import json
import secrets
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from deploy.maven import fetch_jars
from deploy.processes import PidFileServer
from shared.credentials import write_secret

__all__ = ["S3Proxy", "install"]

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
LIBS = ROOT / ".cache" / "s3proxy" / "libs"
POM = HERE / "pom.xml"
START_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 10.0
BUCKET = "attachments"


def _log(message: str) -> None:
    print(f"s3proxy: {message}", file=sys.stderr, flush=True)


def install() -> None:
    """Fetch S3Proxy's jars with Maven unless the cache already matches the pom."""
    fetch_jars(POM, LIBS, "s3proxy")


@dataclass
class S3Proxy(PidFileServer):
    """One S3Proxy on loopback whose objects live under `data_dir`/objects."""

    name: ClassVar[str] = "s3proxy"

    data_dir: Path = ROOT / "var" / "s3-test"
    port: int = 19000

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def server_file(self) -> Path:
        return self.data_dir / "server.json"

    def settings(self) -> dict[str, str]:
        """The endpoint, bucket, access key id and secret of the running server."""
        server: dict[str, str] = json.loads(self.server_file.read_text())
        return server

    def _prepare(self) -> Path:
        """The server's properties, its credentials made once, and its bucket (a folder)."""
        if not self.server_file.is_file() or self.settings()["endpoint"] != self.endpoint:
            server = {
                "endpoint": self.endpoint,
                "bucket": BUCKET,
                "access_key_id": f"mo-{secrets.token_hex(6)}",
                "secret_access_key": secrets.token_urlsafe(24),
            }
            write_secret(self.server_file, json.dumps(server))
        server = self.settings()
        (self.data_dir / "objects" / BUCKET).mkdir(parents=True, exist_ok=True)
        properties = {
            "s3proxy.endpoint": self.endpoint,
            "s3proxy.authorization": "aws-v2-or-v4",
            "s3proxy.identity": server["access_key_id"],
            "s3proxy.credential": server["secret_access_key"],
            # obstore's bulk delete sends x-amz-checksum-sha256, which S3Proxy does not know.
            "s3proxy.ignore-unknown-headers": "true",
            "jclouds.provider": "filesystem-nio2",
            "jclouds.filesystem.basedir": str(self.data_dir / "objects"),
        }
        path = self.data_dir / "s3proxy.properties"
        write_secret(path, "\n".join(f"{k}={v}" for k, v in properties.items()))
        return path

    def start(self, timeout: float = START_TIMEOUT_SECONDS) -> None:
        """Start in the background (unless running) and return once it answers HTTP."""
        if self.running_pid() is None:
            if answers(self.endpoint):
                raise SystemExit(f"s3proxy: {self.endpoint} is another server's; stop it first")
            install()
            self.data_dir.mkdir(parents=True, exist_ok=True)
            command = [
                *("java", "-Xms64m", "-Xmx256m", "-XX:+UseSerialGC"),
                f"-Dlogback.configurationFile={HERE / 'logback.xml'}",
                *("-cp", f"{LIBS}/*", "org.gaul.s3proxy.Main"),
                *("--properties", str(self._prepare())),
            ]
            process = self._spawn(command)
            _log(f"starting on {self.endpoint} (pid {process.pid})")
            self._wait_ready(timeout, process.poll)
        else:
            self._wait_ready(timeout, lambda: None)

    def _wait_ready(self, timeout: float, exited: Callable[[], int | None]) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if exited() is not None or self.running_pid() is None:
                self.pid_file.unlink(missing_ok=True)
                raise SystemExit(f"s3proxy: exited at start; see {self.data_dir}/s3proxy.log")
            if answers(self.endpoint):
                return
            time.sleep(0.3)
        self.stop()
        raise SystemExit(f"s3proxy: no answer on {self.endpoint} after {timeout:.0f}s")

    def stop(self) -> None:
        self._stop_running(STOP_TIMEOUT_SECONDS)


def answers(endpoint: str) -> bool:
    """Whether an HTTP server answers there (S3Proxy refuses an unsigned request: 403)."""
    try:
        with urllib.request.urlopen(endpoint, timeout=2):  # noqa: S310
            return True
    except urllib.error.HTTPError:
        return True
    except (urllib.error.URLError, OSError):
        return False
