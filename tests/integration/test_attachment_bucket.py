"""Intake's attachments in a real S3-compatible object store (the tests' S3Proxy): the
adapter intake runs in production (`S3Objects`, sealed), and the bucket read directly."""

from __future__ import annotations

import uuid

import obstore
import pytest
from obstore.store import S3Store
from pydantic import SecretStr

from services.intake.settings import IntakeSettings
from shared.objects import (
    ObjectMissing,
    S3Objects,
    SealBroken,
    object_key,
    open_attachments,
    request_prefix,
)
from shared.sealing import new_key_line

pytestmark = pytest.mark.integration

PHOTO = b"\x89PNG\r\n\x1a\n a photo of the pothole on Main Road " * 100


@pytest.fixture
def settings(s3_server: dict[str, str]) -> IntakeSettings:
    return IntakeSettings(
        attachments_keys=new_key_line("k1"),
        attachments_bucket=s3_server["bucket"],
        attachments_endpoint=s3_server["endpoint"],
        attachments_access_key_id=s3_server["access_key_id"],
        attachments_secret_access_key=s3_server["secret_access_key"],
    )


@pytest.fixture
def reference() -> str:
    """A request of this test alone: the bucket is shared by the session."""
    return str(uuid.uuid4().int)[:10]


def bucket(s3_server: dict[str, str]) -> S3Store:
    """The bucket as anyone with its credentials sees it, no intake code in between."""
    return S3Store(
        s3_server["bucket"],
        endpoint=s3_server["endpoint"],
        access_key_id=s3_server["access_key_id"],
        secret_access_key=s3_server["secret_access_key"],
        region="us-east-1",
        client_options={"allow_http": True},
        virtual_hosted_style_request=False,
    )


async def listed(store: S3Store, prefix: str) -> list[str]:
    return sorted([m["path"] async for batch in obstore.list(store, prefix) for m in batch])


async def test_objects_are_put_read_listed_and_deleted(
    settings: IntakeSettings, reference: str
) -> None:
    objects = open_attachments(settings)
    original, thumb = (object_key(reference, "a1", v) for v in ("original", "thumb"))
    await objects.put(original, PHOTO)
    await objects.put(thumb, b"small")
    assert await objects.get(original) == PHOTO
    assert await objects.get(thumb) == b"small"
    assert await objects.keys(request_prefix(reference)) == [original, thumb]
    await objects.delete(thumb)
    await objects.delete(thumb)  # nothing there: no error
    with pytest.raises(ObjectMissing):
        await objects.get(thumb)
    assert await objects.keys(request_prefix(reference)) == [original]


async def test_a_prefix_lists_one_request_not_another_that_starts_alike(
    settings: IntakeSettings, reference: str
) -> None:
    objects = open_attachments(settings)
    await objects.put(object_key(reference, "a1", "original"), b"x")
    await objects.put(object_key(reference + "9", "a1", "original"), b"y")
    assert await objects.keys(request_prefix(reference)) == [
        object_key(reference, "a1", "original")
    ]
    assert len(await objects.keys(f"requests/{reference}")) == 2


async def test_erasing_a_request_leaves_none_of_its_objects_in_the_bucket(
    settings: IntakeSettings, reference: str, s3_server: dict[str, str]
) -> None:
    objects = open_attachments(settings)
    kept = object_key(reference + "7", "a1", "original")
    await objects.put(kept, b"another request's")
    for attachment in ("a1", "a2", "a3"):
        for variant in ("original", "thumb"):
            await objects.put(object_key(reference, attachment, variant), PHOTO)
    assert len(await listed(bucket(s3_server), request_prefix(reference))) == 6
    for key in await objects.keys(request_prefix(reference)):
        await objects.delete(key)
    assert await listed(bucket(s3_server), request_prefix(reference)) == []
    assert await listed(bucket(s3_server), request_prefix(reference + "7")) == [kept]


async def test_the_bucket_holds_only_sealed_bytes(
    settings: IntakeSettings, reference: str, s3_server: dict[str, str]
) -> None:
    objects = open_attachments(settings)
    key = object_key(reference, "a1", "original")
    await objects.put(key, PHOTO)
    raw = await S3Objects.connect(settings).get(key)
    assert raw != PHOTO
    assert b"pothole" not in raw
    direct = bytes(await (await obstore.get_async(bucket(s3_server), key)).bytes_async())
    assert direct == raw


async def test_an_object_changed_in_the_bucket_is_refused(
    settings: IntakeSettings, reference: str
) -> None:
    objects = open_attachments(settings)
    unsealed = S3Objects.connect(settings)
    key = object_key(reference, "a1", "original")
    await objects.put(key, PHOTO)
    raw = bytearray(await unsealed.get(key))
    raw[-5] ^= 0xFF
    await unsealed.put(key, bytes(raw))
    with pytest.raises(SealBroken):
        await objects.get(key)


async def test_the_bucket_refuses_wrong_credentials(
    settings: IntakeSettings, reference: str
) -> None:
    wrong = settings.model_copy(update={"attachments_secret_access_key": SecretStr("guessed")})
    with pytest.raises(Exception, match="403"):
        await open_attachments(wrong).put(object_key(reference, "a1", "original"), b"x")
