"""Attachments sealed at rest (shared/sealing.py, SealedObjects): what is stored is not the
plaintext, a changed or moved object is refused, and keys rotate."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from shared.objects import FolderObjects, SealedObjects, object_key
from shared.sealing import SealBroken, SealingKeys, UnknownSealingKey, new_key_line

PHOTO = b"\xff\xd8\xff\xe0 a photo of a burst pipe next to the clinic " * 50
KEY = object_key("6798248682", "a1", "original")


def sealed_folder(root: Path, *lines: str) -> tuple[SealedObjects, FolderObjects]:
    folder = FolderObjects(root)
    return SealedObjects(folder, SealingKeys.parse("\n".join(lines))), folder


async def test_an_object_comes_back_as_it_was_put_and_is_not_stored_as_it_was(
    tmp_path: Path,
) -> None:
    sealed, folder = sealed_folder(tmp_path, new_key_line("k1"))
    await sealed.put(KEY, PHOTO)
    assert await sealed.get(KEY) == PHOTO
    stored = await folder.get(KEY)
    assert stored != PHOTO
    assert b"burst pipe" not in stored
    assert stored[0] == 1 and stored[2:4] == b"k1"  # the format version and the key's id


async def test_each_object_has_its_own_data_key(tmp_path: Path) -> None:
    sealed, folder = sealed_folder(tmp_path, new_key_line("k1"))
    await sealed.put(KEY, PHOTO)
    first = await folder.get(KEY)
    await sealed.put(KEY, PHOTO)
    assert await folder.get(KEY) != first


@pytest.mark.parametrize("where", [0, 3, 20, 90, -1])
async def test_a_changed_byte_is_refused(tmp_path: Path, where: int) -> None:
    sealed, folder = sealed_folder(tmp_path, new_key_line("k1"))
    await sealed.put(KEY, PHOTO)
    stored = bytearray(await folder.get(KEY))
    stored[where] ^= 0x01
    await folder.put(KEY, bytes(stored))
    with pytest.raises(SealBroken, match=KEY):
        await sealed.get(KEY)


async def test_a_truncated_or_foreign_object_is_refused(tmp_path: Path) -> None:
    sealed, folder = sealed_folder(tmp_path, new_key_line("k1"))
    await sealed.put(KEY, PHOTO)
    await folder.put(KEY, (await folder.get(KEY))[:60])
    with pytest.raises(SealBroken, match="truncated"):
        await sealed.get(KEY)
    await folder.put(KEY, PHOTO)  # written around the seal
    with pytest.raises(SealBroken):
        await sealed.get(KEY)


async def test_an_object_copied_under_another_key_does_not_open(tmp_path: Path) -> None:
    sealed, folder = sealed_folder(tmp_path, new_key_line("k1"))
    await sealed.put(KEY, PHOTO)
    other = object_key("1111111111", "a1", "original")
    await folder.put(other, await folder.get(KEY))
    with pytest.raises(SealBroken, match="belongs elsewhere"):
        await sealed.get(other)


async def test_objects_sealed_with_an_old_key_open_after_a_new_current_key(
    tmp_path: Path,
) -> None:
    old, new = new_key_line("2026-01"), new_key_line("2026-07")
    before, folder = sealed_folder(tmp_path, old)
    await before.put(KEY, PHOTO)
    after, _ = sealed_folder(tmp_path, old, new)
    newer = object_key("6798248682", "a2", "original")
    await after.put(newer, b"a document")
    assert await after.get(KEY) == PHOTO
    assert await after.get(newer) == b"a document"
    assert (await folder.get(newer))[2:9] == b"2026-07"  # the last line seals


async def test_an_unknown_key_id_is_refused(tmp_path: Path) -> None:
    dropped, _ = sealed_folder(tmp_path, new_key_line("gone"))
    await dropped.put(KEY, PHOTO)
    without, _ = sealed_folder(tmp_path, new_key_line("kept"))
    with pytest.raises(UnknownSealingKey, match="'gone'"):
        await without.get(KEY)


async def test_a_key_of_the_same_id_but_other_bytes_is_refused(tmp_path: Path) -> None:
    first, _ = sealed_folder(tmp_path, new_key_line("k1"))
    await first.put(KEY, PHOTO)
    impostor, _ = sealed_folder(tmp_path, new_key_line("k1"))
    with pytest.raises(SealBroken):
        await impostor.get(KEY)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "no key"),
        ("# only a comment\n", "no key"),
        ("k1:not base64!", "not base64"),
        ("k1:" + base64.b64encode(b"short").decode(), "32 bytes"),
        ("bad id:" + base64.b64encode(bytes(32)).decode(), "ids are"),
        (new_key_line("k1") + "\n" + new_key_line("k1"), "twice"),
    ],
)
def test_a_wrong_keys_file_is_refused(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        SealingKeys.parse(text)


def test_comments_and_blank_lines_are_skipped_and_the_last_key_seals() -> None:
    keys = SealingKeys.parse(f"# old\n{new_key_line('a')}\n\n{new_key_line('b')}\n")
    assert keys.ids == ["a", "b"]
    assert keys.current == "b"
