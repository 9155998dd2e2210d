"""The folder adapter of attachments' bytes, and which adapter intake's settings choose."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.intake.settings import IntakeSettings
from shared.objects import (
    FolderObjects,
    ObjectMissing,
    S3Objects,
    SealedObjects,
    object_key,
    open_attachments,
    request_prefix,
)
from shared.sealing import new_key_line


@pytest.mark.parametrize("key", ["../outside", "requests/../../outside", "/etc/passwd"])
async def test_a_key_outside_the_folder_is_refused(tmp_path: Path, key: str) -> None:
    objects = FolderObjects(tmp_path / "attachments")
    with pytest.raises(ValueError, match="leaves the attachments folder"):
        await objects.put(key, b"x")
    with pytest.raises(ValueError, match="leaves the attachments folder"):
        await objects.get(key)
    assert not (tmp_path / "outside").exists()


async def test_keys_lists_one_requests_objects_by_prefix(tmp_path: Path) -> None:
    objects = FolderObjects(tmp_path)
    assert await objects.keys(request_prefix("12")) == []  # no folder yet
    for reference, attachment in [("12", "b"), ("12", "a"), ("123", "a"), ("2", "a")]:
        await objects.put(object_key(reference, attachment, "original"), b"x")
    await objects.put(object_key("12", "a", "thumb"), b"x")
    assert await objects.keys(request_prefix("12")) == [
        "requests/12/a/original",
        "requests/12/a/thumb",
        "requests/12/b/original",
    ]
    assert len(await objects.keys("requests/")) == 5


async def test_a_missing_object_is_said_so_and_deleting_it_is_no_error(tmp_path: Path) -> None:
    objects = FolderObjects(tmp_path)
    with pytest.raises(ObjectMissing):
        await objects.get(object_key("12", "a", "original"))
    await objects.delete(object_key("12", "a", "original"))
    await objects.put(object_key("12", "a", "original"), b"x")
    await objects.delete(object_key("12", "a", "original"))
    assert await objects.keys("") == []


def test_the_folder_is_chosen_without_a_bucket_and_always_sealed(tmp_path: Path) -> None:
    settings = IntakeSettings(attachments_keys=new_key_line("k1"), attachments_folder=tmp_path)
    chosen = open_attachments(settings)
    assert isinstance(chosen, SealedObjects)
    assert isinstance(chosen._inner, FolderObjects)


def test_a_bucket_setting_chooses_the_object_store(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("s3cr3t\n")
    keys = tmp_path / "keys"
    keys.write_text(new_key_line("k1") + "\n")
    settings = IntakeSettings(
        attachments_keys_file=keys,
        attachments_bucket="mo-attachments",
        attachments_endpoint="http://127.0.0.1:9",
        attachments_access_key_id="id",
        attachments_secret_access_key_file=secret,
    )
    assert settings.attachments_secret_access_key is not None
    assert settings.attachments_secret_access_key.get_secret_value() == "s3cr3t"
    chosen = open_attachments(settings)
    assert isinstance(chosen, SealedObjects)
    assert isinstance(chosen._inner, S3Objects)


@pytest.mark.parametrize("keys", [None, "k1:not-a-key"])
def test_intake_does_not_start_without_good_master_keys(
    keys: str | None, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        open_attachments(IntakeSettings(attachments_keys=keys))
    assert "MO_INTAKE_ATTACHMENTS_KEYS" in capsys.readouterr().err
