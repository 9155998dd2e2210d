"""Run a single-node Apache Kafka 4.x broker (KRaft) from Maven Central jars, without Docker.

    python -m deploy.kafka.broker install     # fetch the jars once (cached in .cache/kafka/libs)
    python -m deploy.kafka.broker start       # start in the background, wait until it answers
    python -m deploy.kafka.broker run         # the same in the foreground (Ctrl-C stops it)
    python -m deploy.kafka.broker stop
    python -m deploy.kafka.broker status

Options: --port (default 9092), --controller-port (default port + 1), --data (default var/kafka).
Clients authenticate with SASL/SCRAM-SHA-512 as one of the principals whose passwords are in
var/dev/kafka/ (principals.py), and the ACLs of deploy/kafka/bus_access.py decide what each may do.
The tests use `Broker` directly to run throwaway brokers they can stop and restart.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from deploy.kafka import sasl
from deploy.kafka.jars import ROOT, install, java
from deploy.kafka.principals import passwords
from deploy.kafka.readiness import port_open, serves_metadata
from deploy.kafka.storage import format_once
from deploy.processes import PidFileServer, server_command_line, status_exit

HERE = Path(__file__).resolve().parent
START_TIMEOUT_SECONDS = 90.0
STOP_TIMEOUT_SECONDS = 30.0


def _log(message: str) -> None:
    print(f"kafka: {message}", file=sys.stderr, flush=True)


@dataclass
class Broker(PidFileServer):
    """One KRaft node whose data lives in `data_dir`, listening on loopback only."""

    name: ClassVar[str] = "broker"

    data_dir: Path = ROOT / "var" / "kafka"
    port: int = 9092
    controller_port: int | None = None
    tls_port: int | None = None  # a SASL_SSL listener besides, its key store in `tls_pem`
    tls_pem: Path | None = None
    scram_users: dict[str, str] = field(default_factory=passwords)  # name -> password
    # A node of a cluster (cluster.py): the cluster's id and this node's part in it.
    cluster_id: str | None = None
    node_settings: dict[str, str] = field(default_factory=dict)

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def admin_password(self) -> str:
        return self.scram_users[sasl.ADMIN]

    def _properties(self) -> str:
        """server.properties with this node's ports, folders, SASL and authorizer settings."""
        controller = self.controller_port or self.port + 1
        settings = {
            **sasl.listeners(self.port, controller, self.tls_port),
            "controller.quorum.voters": f"1@127.0.0.1:{controller}",
            "log.dirs": str(self.data_dir / "data"),
            **sasl.settings(self.admin_password, self.tls_pem),
            **self.node_settings,
        }
        rendered = "\n".join(f"{key}={value}" for key, value in settings.items())
        return (HERE / "server.properties").read_text() + "\n" + rendered + "\n"

    def _write_properties(self) -> Path:
        path = self.data_dir / "server.properties"
        path.unlink(missing_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # admin's password
        with os.fdopen(fd, "w") as f:
            f.write(self._properties())
        return path

    def _prepare(self) -> list[str]:
        install()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        props = self._write_properties()
        format_once(self.data_dir, props, self.scram_users, self.cluster_id)
        return java("kafka.Kafka", str(props))

    def start(self, timeout: float = START_TIMEOUT_SECONDS) -> None:
        """Start in the background and return once the broker serves metadata."""
        process = self.launch()
        try:
            self.wait_ready(timeout, process)
        except BaseException:
            self.stop()
            raise

    def launch(self) -> subprocess.Popen[bytes] | None:
        """Start the JVM in the background without waiting (a cluster's nodes must all be
        starting before any can answer); None when it is already running."""
        if self.running_pid() is not None or port_open(self.port):
            return None
        process = self._spawn(self._prepare())
        _log(f"starting on {self.bootstrap} (pid {process.pid}, log {self.log_file})")
        return process

    def run_foreground(self) -> int:
        command = self._prepare()
        process = subprocess.Popen(command)
        self.pid_file.write_text(str(process.pid))
        try:
            return process.wait()
        except KeyboardInterrupt:
            process.send_signal(signal.SIGTERM)
            return process.wait(STOP_TIMEOUT_SECONDS)
        finally:
            self.pid_file.unlink(missing_ok=True)

    def wait_ready(self, timeout: float, process: subprocess.Popen[bytes] | None = None) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process is not None and process.poll() is not None:
                tail = self.log_file.read_text(errors="replace")[-3000:]
                raise SystemExit(f"kafka: broker exited with {process.returncode}:\n{tail}")
            if port_open(self.port) and serves_metadata(self.bootstrap, self.admin_password):
                return
            time.sleep(0.5)
        raise SystemExit(
            f"kafka: no answer on {self.bootstrap} after {timeout:.0f}s; see {self.log_file}"
        )

    def stop(self, kill: bool = False) -> None:
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        if not self._stop_running(STOP_TIMEOUT_SECONDS, signal.SIGKILL if kill else signal.SIGTERM):
            return
        # A controlled shutdown can leave the port in use for a moment.
        while port_open(self.port) and time.monotonic() < deadline + 5:
            time.sleep(0.2)


def main(argv: list[str] | None = None) -> int:
    actions = ["install", "start", "run", "stop", "status"]
    parser = server_command_line(__doc__, actions, port=9092, data=ROOT / "var" / "kafka")
    parser.add_argument("--controller-port", type=int, default=None)
    args = parser.parse_args(argv)
    broker = Broker(args.data.resolve(), args.port, args.controller_port)
    if args.action == "install":
        install()
    elif args.action == "start":
        broker.start()
        _log(f"ready on {broker.bootstrap}")
    elif args.action == "run":
        return broker.run_foreground()
    elif args.action == "stop":
        broker.stop()
    else:
        return status_exit("kafka", broker.bootstrap, port_open(broker.port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
