"""Attachments' checks, pure (services/intake/attachments/domain.py): the type from the
magic numbers, every metadata block gone from whatever format came, a decompression bomb
refused before its pixels are decoded."""

from __future__ import annotations

import io

import pytest
from PIL import Image, PngImagePlugin

from services.intake.attachments.domain import (
    Kind,
    TooManyPixels,
    Undecodable,
    Unsupported,
    prepare,
    sniff,
)
from tests.support.attachments import XMP, bomb_png, heic, pdf, phone_jpeg, picture


@pytest.mark.parametrize(
    ("data", "found"),
    [
        (picture("JPEG"), "image/jpeg"),
        (picture("PNG"), "image/png"),
        (picture("WEBP"), "image/webp"),
        (heic(), "image/heic"),
        (pdf(), "application/pdf"),
        (picture("GIF"), None),
        (picture("BMP"), None),
        (b"PK\x03\x04", None),
        (b"\x7fELF", None),
        (b"", None),
    ],
)
def test_the_type_is_read_from_the_magic_numbers(data: bytes, found: str | None) -> None:
    assert sniff(data) == found


def with_metadata(fmt: str) -> bytes:
    image = Image.new("RGBA" if fmt == "PNG" else "RGB", (40, 30), "purple")
    exif = Image.Exif()
    exif[0x0110] = "TestCam Model-X9"
    out = io.BytesIO()
    if fmt == "PNG":
        text = PngImagePlugin.PngInfo()
        text.add_text("Comment", "secret comment")
        text.add_itxt("XML:com.adobe.xmp", XMP.decode())
        image.save(out, "PNG", pnginfo=text, exif=exif)
    else:
        image.save(out, fmt, exif=exif, xmp=XMP)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "JPEG"])
def test_every_format_loses_its_metadata(fmt: str) -> None:
    sent = with_metadata(fmt)
    assert b"TestCam" in sent
    kept = prepare(Kind.PHOTO, sent)
    for data in (kept.original, kept.thumb):
        assert data is not None
        assert b"TestCam" not in data and b"secret comment" not in data
        assert b"adobe:ns:meta" not in data
        image = Image.open(io.BytesIO(data))
        assert not image.getexif() and "icc_profile" not in image.info


def test_a_phone_jpeg_keeps_its_position_but_not_in_its_bytes() -> None:
    kept = prepare(Kind.PHOTO, phone_jpeg())
    assert kept.position == pytest.approx((-33.925, 18.42), abs=1e-3)
    assert b"Exif" not in kept.original


def test_a_heic_photo_is_kept_as_jpeg() -> None:
    kept = prepare(Kind.PHOTO, heic((80, 60)))
    assert kept.content_type == "image/jpeg" and (kept.width, kept.height) == (80, 60)


def test_a_pdf_is_a_document_only_and_whole() -> None:
    with pytest.raises(Unsupported):
        prepare(Kind.PHOTO, pdf())
    assert prepare(Kind.DOCUMENT, pdf()).original == pdf()
    with pytest.raises(Undecodable):
        prepare(Kind.DOCUMENT, pdf()[:-8])


@pytest.mark.parametrize("size", [(100_000, 100_000), (8_000, 8_000), (50_000, 1_001)])
def test_a_bomb_is_refused_from_its_header(size: tuple[int, int]) -> None:
    with pytest.raises(TooManyPixels):
        prepare(Kind.PHOTO, bomb_png(*size))


def test_a_truncated_picture_does_not_open() -> None:
    with pytest.raises(Undecodable):
        prepare(Kind.PHOTO, picture("PNG")[:40])
