"""Formatting a KRaft node's storage: once, with the cluster's id and its SCRAM users (KRaft
takes SCRAM credentials at format time, before the node first starts). StorageTool takes them
only as `--add-scram` arguments, so they go in a Java argument file readable by its owner only
(`java @file`: the launcher reads it), never on a command line another user's `ps` shows."""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import tempfile
import uuid
from collections.abc import Mapping
from pathlib import Path

from deploy.kafka import sasl
from deploy.kafka.jars import java


def new_cluster_id() -> str:
    """KRaft wants a 16-byte UUID in unpadded base64url (a hex uuid is rejected). One that
    starts with `-` (one in 64) would be read by StorageTool's argument parser as an option
    ("--cluster-id: expected one argument"), so draw again."""
    while True:
        drawn = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not drawn.startswith("-"):
            return drawn


def _users_mark(users: Mapping[str, str]) -> str:
    listed = "\n".join(f"{name}={pw}" for name, pw in sorted(users.items()))
    return hashlib.sha256(listed.encode()).hexdigest()


def format_once(
    data_dir: Path, props: Path, users: Mapping[str, str], cluster_id: str | None
) -> None:
    """Format a new node with its SCRAM users (the nodes of one cluster share `cluster_id`);
    refuse one formatted with other users (its clients would be refused with no word why)."""
    mark = data_dir / "users.sha256"
    if (data_dir / "data" / "meta.properties").exists():
        if not mark.is_file() or mark.read_text().strip() != _users_mark(users):
            raise SystemExit(
                f"kafka: {data_dir} was formatted with other users or passwords than "
                "var/dev/kafka/ holds; remove that folder (or `make clean`) to start afresh"
            )
        return
    arguments = [
        "kafka.tools.StorageTool",
        "format",
        "-t",
        cluster_id or new_cluster_id(),
        "-c",
        str(props),
        "--ignore-formatted",
        *sasl.format_arguments(users),
    ]
    with tempfile.TemporaryDirectory(prefix="kafka-format-") as private:  # mode 0700
        argument_file = Path(private) / "format.args"
        fd = os.open(argument_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write("".join(f"{_quoted(a)}\n" for a in arguments))
        command = format_command(argument_file)
        result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"kafka: formatting {data_dir} failed:\n{result.stderr}")
    mark.write_text(_users_mark(users) + "\n")


def format_command(argument_file: Path) -> list[str]:
    """The command line formatting runs: the JVM's options and the argument file, nothing of
    the users or their passwords."""
    return java(f"@{argument_file}")


def _quoted(argument: str) -> str:
    """One argument as a Java argument file holds it: in double quotes, with `\\` and `"`
    escaped (a password is URL-safe base64 today; a quote in one must not split it)."""
    return '"' + argument.replace("\\", "\\\\").replace('"', '\\"') + '"'
