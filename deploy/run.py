"""The whole system on one machine: the local Kafka broker and every service, SQLite under var/.

    python -m deploy.run          # foreground; Ctrl-C stops everything (`make run`)
    python -m deploy.run up       # background; returns once every /readyz answers 200 (`make up`)
    python -m deploy.run down     # stop what `up` started, keep the data (`make down`)

Where MO_KAFKA_BOOTSTRAP is set, that broker is used and no local one is started, and the
MO_KAFKA_* settings of the environment are passed on as they are. Otherwise every process
connects to the local broker as its own principal (passwords in var/dev/kafka/).
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from deploy.kafka.broker import Broker
from deploy.kafka.principals import client_env
from deploy.probe import wait_until_ok
from deploy.processes import stop_pid
from shared.catalogue import DEPARTMENT_SLUGS
from shared.credentials import write_secret
from shared.sealing import new_key_line

ROOT = Path(__file__).resolve().parent.parent

VAR = ROOT / "var"
RUN_DIR = VAR / "run"
LOG_DIR = VAR / "log"
DEV_DIR = VAR / "dev"
READY_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 15.0


@dataclass(frozen=True)
class Service:
    name: str
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid_file(self) -> Path:
        return RUN_DIR / f"{self.name}.pid"


SERVICES = (
    Service("intake", 8001),
    Service("routing", 8002),
    Service("notifications", 8003),
    Service("scheduling", 8004),
)


def _log(message: str) -> None:
    print(f"mobileoffice: {message}", flush=True)


def _external_broker() -> bool:
    return bool(os.environ.get("MO_KAFKA_BOOTSTRAP"))


def _kafka_env(principal: str) -> dict[str, str]:
    """How `principal` reaches the bus: the operator's settings for an external broker, else
    the local broker as itself."""
    if _external_broker():
        return {}
    return {"MO_KAFKA_BOOTSTRAP": Broker().bootstrap, **client_env(principal)}


def _bus_setup() -> None:
    """Every topic made and kept to the policy, and the ACLs to their table, before any
    service starts (deploy/bus_setup.py, as admin)."""
    env = {**os.environ, **_kafka_env("admin")}
    subprocess.run([sys.executable, "-m", "deploy.bus_setup"], cwd=ROOT, check=True, env=env)


def _dev_credentials() -> None:
    """Development tokens `make run` users can curl with: a field agent, each department's
    team, the operators and an Open311 partner, in var/dev/ (kept across runs; remade if
    the stores lost them)."""
    command = [sys.executable, "-m", "deploy.credentials", "dev", str(DEV_DIR)]
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def _wait_ready(processes: dict[Service, subprocess.Popen[bytes]]) -> None:
    """Each service in turn until its /readyz answers 200 (they start together, so waiting
    for them one after another costs no more than waiting for the slowest)."""
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    for service, process in processes.items():
        left = max(0.0, deadline - time.monotonic())
        if wait_until_ok(f"{service.url}/readyz", left, alive=_running(process)):
            continue
        if process.poll() is not None:
            log = LOG_DIR / f"{service.name}.log"
            raise SystemExit(f"mobileoffice: {service.name} exited at start; see {log}")
        raise SystemExit(
            f"mobileoffice: {service.name} not ready after {READY_TIMEOUT_SECONDS:.0f}s"
        )


def _dev_secret(setting: str, file_name: str) -> dict[str, str]:
    """The operator's `setting` (or `_FILE`), else one kept in var/dev/ (new keys forget STOPs)."""
    if os.environ.get(setting) or os.environ.get(f"{setting}_FILE"):
        return {}
    path = DEV_DIR / file_name
    if not path.is_file():
        write_secret(path, secrets.token_urlsafe(32))
    return {setting: path.read_text().strip()}


def _dev_attachment_keys() -> dict[str, str]:
    """The operator's master keys of attachments, else a file of one kept in var/dev/
    (losing it loses every attachment kept under var/attachments/); routing reads what
    intake keeps, so it gets the same keys (and the same folder or bucket) unless told."""
    intake = "MO_INTAKE_ATTACHMENTS_"
    chosen = {
        name: value
        for name, value in os.environ.items()
        if name.startswith(intake) and name.removeprefix(intake).startswith("KEYS")
    }
    if not chosen:
        path = DEV_DIR / "attachments.keys"
        if not path.is_file():
            write_secret(path, new_key_line("dev-1"))
        chosen = {f"{intake}KEYS_FILE": str(path)}
    # Every MO_INTAKE_ATTACHMENTS_* (keys, folder, bucket...) also routing's, unless set.
    shared = {**{k: v for k, v in os.environ.items() if k.startswith(intake)}, **chosen}
    routing = {k.replace("MO_INTAKE_", "MO_ROUTING_", 1): v for k, v in shared.items()}
    return chosen | {k: v for k, v in routing.items() if k not in os.environ}


def _running(process: subprocess.Popen[bytes]) -> Callable[[], bool]:
    return lambda: process.poll() is None


def _start_services(detach: bool) -> dict[Service, subprocess.Popen[bytes]]:
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    processes = {}
    env = {
        **os.environ,
        **_dev_secret("MO_NOTIFICATIONS_INBOUND_SECRET", "sms-inbound.secret"),
        **_dev_secret("MO_NOTIFICATIONS_USSD_SECRET", "ussd.secret"),
        **_dev_secret("MO_INTAKE_IDENTIFIER_KEY", "intake-identifier.key"),
        **_dev_secret("MO_NOTIFICATIONS_IDENTIFIER_KEY", "notifications-identifier.key"),
        **_dev_attachment_keys(),
    }
    # Development supervisors (example.org is reserved): digests land in var/outbox/.
    supervisors = {slug: f"{slug}.supervisor@example.org" for slug in sorted(DEPARTMENT_SLUGS)}
    env.setdefault("MO_NOTIFICATIONS_SUPERVISORS", json.dumps(supervisors))
    # Development only: with no gateway or mail server, messages become files to read.
    env.setdefault("MO_NOTIFICATIONS_OUTBOX_DIR", str(VAR / "outbox"))
    # Residents' messages link to their request's page on intake (/r/<reference>).
    env.setdefault("MO_NOTIFICATIONS_PUBLIC_BASE_URL", "http://127.0.0.1:8001")
    for service in SERVICES:
        log = (LOG_DIR / f"{service.name}.log").open("ab")
        processes[service] = subprocess.Popen(
            [sys.executable, "-m", f"services.{service.name}"],
            cwd=ROOT,
            env={**env, **_kafka_env(service.name)},
            stdout=log if detach else None,
            stderr=subprocess.STDOUT if detach else None,
            start_new_session=detach,
        )
        service.pid_file.write_text(str(processes[service].pid))
    return processes


def _summary() -> None:
    for service in SERVICES:
        _log(f"{service.name:<14} {service.url}   (docs {service.url}/docs)")
    _log(
        f"tokens: field agent {DEV_DIR / 'agent.token'}, departments "
        f"{DEV_DIR}/<department>.token, operators {DEV_DIR / 'operators.token'}, Open311 "
        f"partner {DEV_DIR / 'partner.token'}; "
        f"SMS gateway secret {DEV_DIR / 'sms-inbound.secret'}, USSD gateway secret "
        f"{DEV_DIR / 'ussd.secret'}; Kafka principals' passwords "
        f"{DEV_DIR / 'kafka'}/<principal>.password"
    )


def up(detach: bool) -> dict[Service, subprocess.Popen[bytes]]:
    if not _external_broker():
        Broker().start()
    _bus_setup()
    _dev_credentials()
    processes = _start_services(detach)
    try:
        _wait_ready(processes)
    except BaseException:
        for process in processes.values():
            stop_pid(process.pid, STOP_TIMEOUT_SECONDS)
        raise
    _summary()
    return processes


def down() -> None:
    for service in reversed(SERVICES):
        try:
            pid = int(service.pid_file.read_text())
        except (FileNotFoundError, ValueError):
            continue
        stop_pid(pid, STOP_TIMEOUT_SECONDS)
        service.pid_file.unlink(missing_ok=True)
        _log(f"stopped {service.name}")
    if not _external_broker():
        Broker().stop()
        _log("stopped kafka")


def foreground() -> int:
    try:
        processes = up(detach=False)
        _log("running; Ctrl-C stops everything")
        while all(p.poll() is None for p in processes.values()):
            time.sleep(0.5)
        exited = [s.name for s, p in processes.items() if p.poll() is not None]
        _log(f"{', '.join(exited)} exited; stopping the rest")
        return 1
    except KeyboardInterrupt:
        _log("stopping")
        return 0
    finally:
        # A second Ctrl-C (or make passing the first one on) must not cut the shutdown short.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        down()


def main() -> int:
    action = sys.argv[1] if len(sys.argv) > 1 else "run"
    if action == "run":
        return foreground()
    if action == "up":
        up(detach=True)
    elif action == "down":
        down()
    else:
        raise SystemExit(f"usage: {sys.argv[0]} [run|up|down]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
