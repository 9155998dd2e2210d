"""The servers the operator's tools start in the background and stop again: the Kafka broker's
JVM and the tests' S3Proxy keep their pid in a file beside their data and their output in a
log there; the services (run.py) are stopped the same way, by their pid."""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import ClassVar

__all__ = ["PidFileServer", "server_command_line", "status_exit", "stop_pid"]


def stop_pid(pid: int, timeout: float, sig: signal.Signals = signal.SIGTERM) -> None:
    """Send `pid` `sig` and wait up to `timeout` seconds for it to end; SIGKILL after that.
    While waiting, reap it if it is our child, or it lingers as a zombie."""
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _reap(pid)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    os.kill(pid, signal.SIGKILL)
    _reap(pid)


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


class PidFileServer:
    """A server started in the background whose pid is kept in `<name>.pid` and whose output
    goes to `<name>.log`, both in its `data_dir`."""

    name: ClassVar[str]
    data_dir: Path

    @property
    def pid_file(self) -> Path:
        return self.data_dir / f"{self.name}.pid"

    @property
    def log_file(self) -> Path:
        return self.data_dir / f"{self.name}.log"

    def running_pid(self) -> int | None:
        """The pid the file names, while that process lives."""
        try:
            pid = int(self.pid_file.read_text())
            os.kill(pid, 0)
            return pid
        except (FileNotFoundError, ValueError, ProcessLookupError):
            return None

    def _spawn(self, command: list[str]) -> subprocess.Popen[bytes]:
        """Start `command` in its own session (a Ctrl-C in the terminal does not reach it), its
        output appended to the log, and keep its pid."""
        with self.log_file.open("ab") as log:
            process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.pid_file.write_text(str(process.pid))
        return process

    def _stop_running(self, timeout: float, sig: signal.Signals = signal.SIGTERM) -> bool:
        """Stop the running server (see `stop_pid`) and forget its pid; False when none ran."""
        pid = self.running_pid()
        if pid is None:
            return False
        stop_pid(pid, timeout, sig)
        self.pid_file.unlink(missing_ok=True)
        return True


def server_command_line(
    doc: str | None, actions: list[str], *, port: int, data: Path
) -> argparse.ArgumentParser:
    """The command line of `python -m deploy.<server>`: its action, --port and --data, with the
    module's docstring as its help."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("action", choices=actions)
    parser.add_argument("--port", type=int, default=port)
    parser.add_argument("--data", type=Path, default=data)
    return parser


def status_exit(server: str, where: str, up: bool) -> int:
    """Say whether `server` answers at `where`; the exit status says it too (0 up, 1 down)."""
    print(f"{server} on {where}: {'up' if up else 'down'}")
    return 0 if up else 1
