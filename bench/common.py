"""What every benchmark shares: percentiles, the machine's description, a scratch folder,
writing results, a process's memory, runs at several sizes."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import platform
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

from deploy.bus_setup import ensure_topics
from deploy.kafka.bus_access import SERVICES
from deploy.probe import wait_until_ok
from shared.kafka_security import options
from tests.support.processes import attachment_keys, identifier_key, own_principal

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores, {memory:.0f} GiB, {model}, Python {platform.python_version()}"


def write(name: str, figures: dict[str, Any]) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    result = {
        "benchmark": name,
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "machine": machine(),
        **figures,
    }
    path = OUT / f"{name}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    return path


@contextmanager
def scratch(name: str) -> Iterator[Path]:
    """A fresh folder under var/bench for one run's stores and logs, removed afterwards
    however the run ends."""
    workdir = OUT / f"{name}-{uuid.uuid4().hex[:6]}"
    workdir.mkdir(parents=True)
    try:
        yield workdir
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def wait_http(url: str, timeout: float = 30.0) -> None:
    if not wait_until_ok(url, timeout):
        raise SystemExit(f"bench: {url} did not answer within {timeout:.0f}s")


def serve(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Start `command`; a service (`-m services.<name>`) connects as its own principal, as
    under `make run`."""
    service = command[2].removeprefix("services.") if command[1:2] == ["-m"] else ""
    principal = (
        {**own_principal(service), **identifier_key(service), **attachment_keys(service)}
        if service in SERVICES
        else {}
    )
    with log.open("wb") as out:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, **principal, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def memory_kib(pid: int, field: str) -> int:
    """A figure of /proc/<pid>/status in KiB: VmRSS (resident now) or VmHWM (the kernel's
    high-water mark of the resident set)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} for process {pid}")


def reset_peak_memory(pid: int) -> None:
    """From now on VmHWM is the peak since this moment (Linux's clear_refs, value 5)."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def peak_rss_mb(process: subprocess.Popen[bytes]) -> float:
    """The most memory `process` has held resident since it started (read it before stopping
    the process: the kernel forgets it with the process)."""
    return round(memory_kib(process.pid, "VmHWM") / 1024, 1)


def sizes(variable: str, default: str) -> list[int]:
    """The sizes a scaling run measures, smallest first: `default` ("5000,20000,80000") or the
    environment's `variable` (a quick check's "300,600,1200")."""
    return sorted(int(size) for size in os.environ.get(variable, default).split(","))


def middle(runs: list[int]) -> int:
    """The size compared with the bare loop (the benchmark's size before the scaling runs)."""
    return runs[len(runs) // 2]


def scaling(runs: list[dict[str, Any]], rate: str) -> dict[str, Any]:
    """Runs at several sizes, each in a fresh process on a fresh store: does the cost grow as
    the work does? Flat within 20% when the fastest run's `rate` is at most 1.2 times the
    slowest's; the highest peak RSS of them."""
    rates = [run[rate] for run in runs]
    # Three places, so 1.201 (over) is not rounded down to 1.20 (within).
    spread = round(max(rates) / min(rates), 3) if min(rates) > 0 else float("inf")
    return {
        "runs": runs,
        "max_over_min": spread,
        "flat_within_20pct": spread <= 1.2,
        "peak_rss_mb_max": max(run["peak_rss_mb"] for run in runs),
    }


def scaling_summary(scale: dict[str, Any], rate: str) -> str:
    """One line of a scaling run's figures, for the console."""
    by_size = ", ".join(f"{run['events']}: {run[rate]}" for run in scale["runs"])
    memory = ", ".join(str(run["peak_rss_mb"]) for run in scale["runs"])
    return (
        f"{rate} by size {by_size}; max/min {scale['max_over_min']} "
        f"(flat within 20%: {scale['flat_within_20pct']}); peak RSS {memory} MB"
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()


class ArrivalClock:
    """Notes when each reference was sent (its 201) and when its first message became readable
    on any of `topics`."""

    def __init__(self, bootstrap: str, *topics: str) -> None:
        self.bootstrap = bootstrap
        self.topics = topics
        self.created: dict[str, float] = {}
        self.readable: dict[str, float] = {}
        self._arrivals: list[str] = []  # readable's references, in the order they came
        self._consumer: AIOKafkaConsumer | None = None
        self._task: asyncio.Task[None] | None = None

    def on_created(self, reference: str) -> None:
        self.created[reference] = time.perf_counter()

    async def start(self) -> None:
        await ensure_topics(self.bootstrap, self.topics)
        consumer = AIOKafkaConsumer(**options(), bootstrap_servers=self.bootstrap, group_id=None)
        await consumer.start()
        cluster = await consumer._client.fetch_all_metadata()
        partitions = [
            TopicPartition(t, p) for t in self.topics for p in cluster.partitions_for_topic(t)
        ]
        consumer.assign(partitions)
        await consumer.seek_to_end(*partitions)
        for tp in partitions:
            await consumer.position(tp)
        self._consumer = consumer
        self._task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self._consumer is not None
        while True:
            batches = await self._consumer.getmany(timeout_ms=100)
            now = time.perf_counter()
            for records in batches.values():
                for record in records:
                    reference = record.key.decode()
                    if reference not in self.readable:
                        self.readable[reference] = now
                        self._arrivals.append(reference)

    async def wait_for_all(self, timeout: float = 120.0) -> None:
        """Until every reference created has become readable. Each look costs what arrived
        or was created since the last: comparing all 80,000 references ten times a second
        took the benchmark's own process a tenth of a core, from the service it measures."""
        deadline = time.monotonic() + timeout
        missing: set[str] = set()
        created = arrived = 0
        while time.monotonic() < deadline:
            if len(self.created) > created:  # a dict keeps the order references came in
                fresh = itertools.islice(self.created, created, None)
                missing.update(r for r in fresh if r not in self.readable)
                created = len(self.created)
            missing.difference_update(self._arrivals[arrived:])
            arrived = len(self._arrivals)
            if not missing:
                return
            await asyncio.sleep(0.1)

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
        if self._consumer:
            await self._consumer.stop()

    def delays_ms(self) -> list[float]:
        return [
            (self.readable[ref] - at) * 1000
            for ref, at in self.created.items()
            if ref in self.readable
        ]
