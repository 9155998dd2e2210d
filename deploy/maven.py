"""Jars from Maven Central for the JVM servers this project runs without Docker (the Kafka
broker, the tests' S3Proxy): each has a pom listing what it needs, and its jars are cached in
a folder fetched again only when that pom changes."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

__all__ = ["fetch_jars"]

ROOT = Path(__file__).resolve().parent.parent


def fetch_jars(pom: Path, libs: Path, name: str) -> None:
    """`pom`'s jars into `libs` with Maven, unless `libs` already holds them for this pom."""
    stamp = libs.parent / "pom.sha256"
    digest = hashlib.sha256(pom.read_bytes()).hexdigest()
    if libs.is_dir() and stamp.is_file() and stamp.read_text().strip() == digest:
        return
    if shutil.which("mvn") is None:
        raise SystemExit(f"{name}: Maven (mvn) is not installed; `apt-get install maven` first")
    if shutil.which("java") is None:
        raise SystemExit(f"{name}: Java is not installed; it needs Java 17 or newer")
    print(f"{name}: fetching its jars with Maven (first run only)", file=sys.stderr, flush=True)
    shutil.rmtree(libs, ignore_errors=True)  # stale jars from an older pom would share the path
    command = ["mvn", "-q", "-B", "-f", str(pom), "package"]
    if subprocess.run(command, cwd=ROOT).returncode != 0:
        raise SystemExit(f"{name}: `{' '.join(command)}` failed; see its output above")
    stamp.write_text(digest)
