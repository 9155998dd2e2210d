"""Attachments through intake's HTTP API (issue 26): what comes in is judged from its bytes
and kept without its metadata, at most 10 MB (413 as the bytes arrive), five photos and ten
documents a request; only the request's department and operators read them, a document
only with a reason, kept in the audit."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from services.intake import store
from services.intake.devices import handlers as devices
from services.intake.devices.handlers import LeaseWanted, PairDevice
from shared.credentials import Role
from shared.events import parse_event
from shared.objects import object_key
from shared.reference import new_reference
from shared.topics import EventType
from tests.support.attachments import (
    CAMERA,
    Office,
    heic,
    pdf,
    phone_jpeg,
    picture,
    running_office,
)
from tests.support.tokens import issue

DEPARTMENT = "water-and-sanitation"


@pytest.fixture
async def office(tmp_path: Path) -> AsyncIterator[Office]:
    async with running_office(tmp_path) as running:
        yield running


def bare(data: bytes) -> Image.Image:
    """The picture, checked to carry no metadata at all."""
    image = Image.open(io.BytesIO(data))
    assert not image.getexif(), "EXIF left in"
    assert not {"exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment"} & set(image.info)
    for marker in (b"Exif", b"http://ns.adobe.com/xap", CAMERA.encode(), b"secret comment"):
        assert marker not in data
    return image


async def test_a_phone_photo_is_kept_upright_without_exif_gps_or_xmp(office: Office) -> None:
    answer = await office.attach(phone_jpeg())
    assert answer.status_code == 201, answer.text
    view = answer.json()
    assert set(view) == {"id", "kind", "content_type", "bytes", "sha256", "width", "height"}
    assert (view["kind"], view["content_type"]) == ("photo", "image/jpeg")
    assert (view["width"], view["height"]) == (200, 300)  # turned a quarter: taller than wide
    original = await office.objects.get(object_key(office.reference, view["id"], "original"))
    thumb = await office.objects.get(object_key(office.reference, view["id"], "thumb"))
    for kept in (original, thumb):
        image = bare(kept).convert("RGB")
        top, bottom = (
            image.getpixel((image.width // 2, 2)),
            image.getpixel((image.width // 2, image.height - 3)),
        )
        assert isinstance(top, tuple) and isinstance(bottom, tuple)
        assert top[0] > 200 and top[2] < 60, f"red should be on top, found {top}"
        assert bottom[2] > 200 and bottom[0] < 60, f"blue should be below, found {bottom}"
    assert max(Image.open(io.BytesIO(thumb)).size) <= 320
    read = await office.read(f"{office.path()}/{view['id']}")
    assert read.status_code == 200 and read.content == original
    assert read.headers["content-type"] == "image/jpeg"
    assert read.headers["cache-control"] == "private, no-store"
    small = await office.read(f"{office.path()}/{view['id']}?size=thumb", "operator")
    assert small.status_code == 200 and small.content == thumb


async def test_the_photo_gps_fills_a_request_without_a_place(office: Office) -> None:
    assert (await office.attach(phone_jpeg())).status_code == 201
    async with office.intake.app.state.db.reading() as conn:
        row = (
            await conn.execute(
                select(store.requests.c.lat, store.requests.c.lon).where(
                    store.requests.c.reference == office.reference
                )
            )
        ).one()
    assert row.lat == pytest.approx(-33.925, abs=1e-3)
    assert row.lon == pytest.approx(18.42, abs=1e-3)


async def test_a_big_photo_is_kept_at_2048_pixels_at_most(office: Office) -> None:
    answer = await office.attach(picture("JPEG", (3000, 1500)))
    assert answer.status_code == 201, answer.text
    assert (answer.json()["width"], answer.json()["height"]) == (2048, 1024)


async def test_the_type_is_judged_from_the_bytes(office: Office) -> None:
    png = await office.attach(picture("PNG"), name="photo.jpg", declared="image/jpeg")
    assert png.status_code == 201 and png.json()["content_type"] == "image/png"
    webp = await office.attach(picture("WEBP"), name="x.png", declared="image/png")
    assert webp.status_code == 201 and webp.json()["content_type"] == "image/webp"
    from_iphone = await office.attach(heic(), name="IMG_0001.HEIC", declared="image/heic")
    assert from_iphone.status_code == 201, from_iphone.text
    assert from_iphone.json()["content_type"] == "image/jpeg"  # shown by every browser
    paper = await office.attach(pdf(), kind="document", name="id.jpg", declared="image/jpeg")
    assert paper.status_code == 201 and paper.json()["content_type"] == "application/pdf"
    kept = await office.objects.get(object_key(office.reference, paper.json()["id"], "original"))
    assert kept == pdf()  # a PDF is kept as it came


def a_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("photo.jpg", b"not really")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"just some text, honestly a photo\n" * 10, "photo"),
        (a_zip(), "photo"),
        (b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 400, "photo"),
        (b"MZ\x90\x00" + b"\x00" * 400, "document"),
        (pdf(), "photo"),  # a PDF is a document, not a photo
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "photo"),
        (picture("GIF"), "photo"),
    ],
)
async def test_anything_else_is_415(office: Office, data: bytes, kind: str) -> None:
    answer = await office.attach(data, kind=kind, name="photo.jpg", declared="image/jpeg")
    assert answer.status_code == 415, answer.text
    assert answer.json()["error"]["code"] == "unsupported_type"
    assert not await office.objects.keys("")


async def test_a_broken_picture_is_422_not_500(office: Office) -> None:
    answer = await office.attach(picture("JPEG")[:200])
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["code"] == "undecodable"


async def test_attachments_are_published_without_their_bytes(office: Office) -> None:
    answer = await office.attach(phone_jpeg())
    await office.intake.drain_outbox()
    added = [
        e
        for m in office.publisher.sent
        if (e := parse_event(m.value)).type == EventType.ATTACHMENT_ADDED
    ]
    assert len(added) == 1 and added[0].subject == office.reference
    data = added[0].data
    view = answer.json()
    assert data == {
        "reference": office.reference,
        "attachment_id": view["id"],
        "kind": "photo",
        "content_type": "image/jpeg",
        "bytes": view["bytes"],
        "sha256": view["sha256"],
        "added_at": data["added_at"],
        "document": None,  # a photo shows no paper
    }
    assert len(json.dumps(data)) < 400


async def test_a_retry_with_its_key_is_answered_the_same(office: Office) -> None:
    photo = phone_jpeg()
    first = await office.attach(photo, **{"Idempotency-Key": "tablet-7-photo-1"})
    again = await office.attach(photo, **{"Idempotency-Key": "tablet-7-photo-1"})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    other = await office.attach(picture("PNG"), **{"Idempotency-Key": "tablet-7-photo-1"})
    assert other.status_code == 422 and other.json()["error"]["code"] == "idempotency_key_reused"
    listed = await office.read(office.path())
    assert len(listed.json()) == 1
    await office.intake.drain_outbox()
    types = [parse_event(m.value).type for m in office.publisher.sent]
    assert types.count(EventType.ATTACHMENT_ADDED) == 1


async def test_five_photos_and_ten_documents_a_request(office: Office) -> None:
    for n in range(5):
        answer = await office.attach(picture("PNG", (32 + n, 32)))
        assert answer.status_code == 201, answer.text
    sixth = await office.attach(picture("PNG", (40, 40)))
    assert sixth.status_code == 409
    assert sixth.json()["error"]["code"] == "too_many_attachments"
    assert "5 photos" in sixth.json()["error"]["message"]
    for n in range(10):
        answer = await office.attach(pdf(f"page {n}"), kind="document")
        assert answer.status_code == 201, answer.text
    eleventh = await office.attach(pdf("one more"), kind="document")
    assert eleventh.status_code == 409 and "10 documents" in eleventh.json()["error"]["message"]
    assert len((await office.read(office.path(), "operator")).json()) == 15


async def test_an_unknown_request_is_404_before_the_upload_is_read(office: Office) -> None:
    unknown = new_reference()
    answer = await office.attach(picture(), reference=unknown)
    assert answer.status_code == 404, answer.text
    assert answer.json()["error"]["code"] == "not_found"


async def test_a_request_still_on_a_device_is_404_not_yet_received(office: Office) -> None:
    app = office.intake.app
    db, deps = app.state.db, app.state.deps
    await issue(db, store.credentials, "thandi", Role.FIELD_AGENT)
    device = await devices.pair(
        PairDevice(await devices.new_pairing_code("thandi", db, deps)), db, deps
    )
    leased, _ = await devices.lease_references(LeaseWanted(device.device_id, 1), db, deps)
    answer = await office.attach(picture(), reference=leased[0])
    assert answer.status_code == 404, answer.text
    assert answer.json()["error"]["code"] == "not_yet_received"
