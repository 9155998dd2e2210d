"""The broker's jars: fetched once from Maven Central by deploy/kafka/pom.xml and cached in
.cache/kafka/libs, fetched again only when the pom changes."""

from __future__ import annotations

from pathlib import Path

from deploy.maven import fetch_jars

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
LIBS = ROOT / ".cache" / "kafka" / "libs"
POM = HERE / "pom.xml"


def install() -> None:
    """Fetch the broker's jars with Maven unless the cache already matches the pom."""
    fetch_jars(POM, LIBS, "kafka")


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
