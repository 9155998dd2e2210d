"""The broker's jars: fetched once from Maven Central by deploy/kafka/pom.xml and cached in
.cache/kafka/libs, fetched again only when the pom changes."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
LIBS = ROOT / ".cache" / "kafka" / "libs"
POM = HERE / "pom.xml"


def _log(message: str) -> None:
    print(f"kafka: {message}", file=sys.stderr, flush=True)


def install() -> None:
    """Fetch the broker's jars with Maven unless the cache already matches the pom."""
    stamp = LIBS.parent / "pom.sha256"
    digest = hashlib.sha256(POM.read_bytes()).hexdigest()
    if LIBS.is_dir() and stamp.is_file() and stamp.read_text().strip() == digest:
        return
    if shutil.which("mvn") is None:
        raise SystemExit("kafka: Maven (mvn) is not installed; `apt-get install maven` first")
    if shutil.which("java") is None:
        raise SystemExit("kafka: Java is not installed; Kafka 4.x needs Java 17 or newer")
    _log("fetching Kafka jars with Maven (first run only)")
    # Stale jars from an older pom would share the classpath.
    shutil.rmtree(LIBS, ignore_errors=True)
    command = ["mvn", "-q", "-B", "-f", str(POM), "package"]
    if subprocess.run(command, cwd=ROOT).returncode != 0:
        raise SystemExit(f"kafka: `{' '.join(command)}` failed; see its output above")
    stamp.write_text(digest)


def java(main: str, *args: str) -> list[str]:
    """The command running `main` of the cached jars in a JVM sized for a small machine."""
    return [
        "java",
        "-Xms256m",
        "-Xmx512m",
        "-XX:+UseG1GC",
        "-Djava.awt.headless=true",
        f"-Dlog4j2.configurationFile={HERE / 'log4j2.properties'}",
        "-cp",
        f"{LIBS}/*",
        main,
        *args,
    ]
