"""Formatting a broker's storage puts no SCRAM password on a command line (which any user's
`ps` shows): the passwords reach StorageTool in a Java argument file only its owner can read,
gone once the format is done."""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest

from deploy.kafka import storage

USERS = {"admin": "admin-Secret-1", "intake": 'in"take\\Secret-2'}


def test_formatting_passes_the_passwords_in_a_private_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, Any] = {}

    def run(command: list[str], **_: Any) -> subprocess.CompletedProcess[str]:
        [argument_file] = [Path(a[1:]) for a in command if a.startswith("@")]
        seen["command"] = command
        seen["mode"] = stat.S_IMODE(argument_file.stat().st_mode)
        seen["arguments"] = argument_file.read_text()
        seen["file"] = argument_file
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(subprocess, "run", run)
    storage.format_once(tmp_path, tmp_path / "server.properties", USERS, "cluster-id")
    for password in USERS.values():
        assert not any(password in part for part in seen["command"])
    assert seen["mode"] == 0o600 and not seen["file"].exists()
    assert '"SCRAM-SHA-512=[name=admin,password=admin-Secret-1]"' in seen["arguments"]
    assert r'password=in\"take\\Secret-2]"' in seen["arguments"]  # quoted, not split
    assert "kafka.tools.StorageTool" in seen["arguments"]
