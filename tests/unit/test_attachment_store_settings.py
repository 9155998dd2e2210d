"""Routing reaches the attachments' store with its own settings, the same fields as intake's
(`MO_ROUTING_ATTACHMENTS_*`); `make run` / `make up` (deploy/run.py) give routing what intake has of the attachments'
store: the same master keys (a file kept in var/dev/ when the operator set none) and any
MO_INTAKE_ATTACHMENTS_* setting, unless routing's own is set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from deploy import run
from services.routing.settings import RoutingSettings
from shared.objects import SealedObjects, open_attachments
from shared.sealing import new_key_line


@pytest.fixture(autouse=True)
def dev_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(run, "DEV_DIR", tmp_path)
    for name in [*os.environ]:
        if "_ATTACHMENTS_" in name:
            monkeypatch.delenv(name)
    return tmp_path


def test_routing_gets_intakes_keys_file(dev_dir: Path) -> None:
    env = run._dev_attachment_keys()
    keys = str(dev_dir / "attachments.keys")
    assert env == {
        "MO_INTAKE_ATTACHMENTS_KEYS_FILE": keys,
        "MO_ROUTING_ATTACHMENTS_KEYS_FILE": keys,
    }
    assert (dev_dir / "attachments.keys").read_text().startswith("dev-1:")


def test_routing_gets_the_operators_store_unless_it_has_its_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MO_INTAKE_ATTACHMENTS_KEYS", "k1:c2VjcmV0")
    monkeypatch.setenv("MO_INTAKE_ATTACHMENTS_BUCKET", "city-attachments")
    monkeypatch.setenv("MO_INTAKE_ATTACHMENTS_FOLDER", "/srv/attachments")
    monkeypatch.setenv("MO_ROUTING_ATTACHMENTS_FOLDER", "/srv/routing-view")
    env = run._dev_attachment_keys()
    assert env["MO_ROUTING_ATTACHMENTS_KEYS"] == "k1:c2VjcmV0"
    assert env["MO_ROUTING_ATTACHMENTS_BUCKET"] == "city-attachments"
    assert "MO_ROUTING_ATTACHMENTS_FOLDER" not in env  # routing's own stays


def test_routing_reads_its_own_attachments_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    keys = tmp_path / "keys"
    keys.write_text(new_key_line("k1") + "\n")
    monkeypatch.setenv("MO_ROUTING_ATTACHMENTS_KEYS_FILE", str(keys))
    monkeypatch.setenv("MO_ROUTING_ATTACHMENTS_FOLDER", str(tmp_path / "objects"))
    settings = RoutingSettings()
    assert settings.attachments_folder == tmp_path / "objects"
    assert isinstance(open_attachments(settings), SealedObjects)
    monkeypatch.setenv("MO_ROUTING_ATTACHMENTS_KEYS_FILE", str(tmp_path / "absent"))
    with pytest.raises(ValueError, match="MO_ROUTING_ATTACHMENTS_KEYS_FILE"):
        RoutingSettings()
    monkeypatch.delenv("MO_ROUTING_ATTACHMENTS_KEYS_FILE")
    with pytest.raises(SystemExit):
        open_attachments(RoutingSettings())
    assert "MO_ROUTING_ATTACHMENTS_KEYS: required" in capsys.readouterr().err
