"""What an attachment may be, checked from its bytes and never from its name or the type the
client declares: the kind's types (JPEG, PNG, WebP, HEIC photos; the same and PDF for
documents), at most `MAX_BYTES`, images decoded under a pixel limit, turned the right way up,
re-encoded without any of their metadata (EXIF, GPS, XMP, ICC profiles, comments), their
longest side at most `LONGEST_SIDE`, with a `THUMB_SIDE` thumbnail. A PDF is kept as sent.

Pure and synchronous: the use case runs `prepare` in a thread (decoding takes a while)."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

from shared.refusals import Conflict, Invalid, NotFound, Refusal

__all__ = [
    "LIMITS",
    "LONGEST_SIDE",
    "MAX_BYTES",
    "MAX_PIXELS",
    "THUMB_SIDE",
    "Kind",
    "NotYetReceived",
    "NotYours",
    "Prepared",
    "RequestFull",
    "TooManyPixels",
    "Undecodable",
    "Unsupported",
    "prepare",
    "sniff",
]

register_heif_opener()

MAX_BYTES: Final = 10 * 1024 * 1024
MAX_PIXELS: Final = 50_000_000  # a 50-megapixel camera; a decompression bomb is far more
LONGEST_SIDE: Final = 2048
THUMB_SIDE: Final = 320


class Kind(StrEnum):
    PHOTO = "photo"  # of the fault: the burst pipe, the dumped rubble
    DOCUMENT = "document"  # the resident's papers: an ID, statements, an affidavit


LIMITS: Final = {Kind.PHOTO: 5, Kind.DOCUMENT: 10}
"""How many of each kind a request may have."""

JPEG, PNG, WEBP, HEIC, PDF = (
    "image/jpeg",
    "image/png",
    "image/webp",
    "image/heic",
    "application/pdf",
)
_TYPES: Final = {Kind.PHOTO: {JPEG, PNG, WEBP, HEIC}, Kind.DOCUMENT: {JPEG, PNG, WEBP, HEIC, PDF}}
_PILLOW: Final = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP", HEIC: "HEIF"}
_HEIC_BRANDS: Final = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
_STORED: Final = {JPEG: JPEG, PNG: PNG, WEBP: WEBP, HEIC: JPEG}  # browsers do not show HEIC
_SAVE: Final = {JPEG: ("JPEG", {"quality": 85}), PNG: ("PNG", {}), WEBP: ("WEBP", {"quality": 80})}


class Unsupported(Refusal):
    """Not one of the kind's types (a 415)."""

    status = 415
    code = "unsupported_type"


class Undecodable(Invalid):
    """Of a right type by its first bytes, but not a picture or document that opens (a 422)."""

    code = "undecodable"


class TooManyPixels(Undecodable):
    """More pixels than any camera makes: a decompression bomb (a 422)."""

    code = "too_many_pixels"


class RequestFull(Conflict):
    """The request has as many of this kind as it may (a 409)."""

    code = "too_many_attachments"


class NotYetReceived(NotFound):
    """A reference leased to a device whose request has not reached intake (a 404)."""

    code = "not_yet_received"


class NotYours(Refusal):
    """A department's token for another department's request (a 403)."""

    status = 403
    code = "forbidden"


@dataclass(frozen=True, slots=True)
class Prepared:
    """What is kept: the stored bytes (re-encoded, or the PDF as sent) and their thumbnail."""

    content_type: str
    original: bytes
    thumb: bytes | None
    width: int | None
    height: int | None
    position: tuple[float, float] | None  # (lat, lon) the photo's GPS said, before stripping

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.original).hexdigest()


def sniff(data: bytes) -> str | None:
    """The type the bytes are, by their magic numbers; None for anything else."""
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data[4:8] == b"ftyp" and data[8:12] in _HEIC_BRANDS:
        return HEIC
    if data.startswith(b"%PDF-"):
        return PDF
    return None


def prepare(kind: Kind, data: bytes) -> Prepared:
    """The attachment as kept, or Unsupported / Undecodable / TooManyPixels."""
    found = sniff(data)
    if found is None or found not in _TYPES[kind]:
        allowed = ", ".join(sorted(_TYPES[kind]))
        raise Unsupported(f"a {kind} must be one of {allowed} (judged from its bytes)", "file")
    if found == PDF:
        if b"%%EOF" not in data[-2048:]:
            raise Undecodable("this PDF is cut short: it has no end-of-file marker", "file")
        return Prepared(PDF, data, None, None, None, None)
    try:
        return _image(found, data)
    except (Image.DecompressionBombError, TooManyPixels) as exc:
        raise TooManyPixels(f"an image has at most {MAX_PIXELS:,} pixels", "file") from exc
    except (OSError, SyntaxError, ValueError, EOFError, UnidentifiedImageError) as exc:
        message = f"this {kind} does not open as the {found} it starts as"
        raise Undecodable(message, "file") from exc


def _image(found: str, data: bytes) -> Prepared:
    """At most two decoded pictures at once (the one read and the one kept): a 2048 px photo
    is 9 MB of pixels, and a copy of it per step would be several more per upload."""
    with Image.open(io.BytesIO(data), formats=[_PILLOW[found]]) as read:
        width, height = read.size
        if width * height > MAX_PIXELS:
            raise TooManyPixels(f"{width}x{height}")
        position = _position(read.getexif())
        if read.format == "JPEG":  # decode at a fraction of the size when it is that large
            read.draft("RGB", (LONGEST_SIDE, LONGEST_SIDE))
        stored = _STORED[found]
        bare = _bare(read, stored)
    bare.thumbnail((LONGEST_SIDE, LONGEST_SIDE), Image.Resampling.LANCZOS)
    thumb = ImageOps.contain(bare, (THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
    return Prepared(
        stored, _encode(bare, stored), _encode(thumb, stored), bare.width, bare.height, position
    )


def _bare(image: Image.Image, stored: str) -> Image.Image:
    """The pixels alone, turned the right way up (as the metadata said, before it goes): a
    new image whose info (EXIF, XMP, ICC profile, comment) is emptied before it is saved."""
    alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    mode = "RGBA" if alpha and stored != JPEG else "RGB"
    image.load()
    turned = image.getexif().get(ExifTags.Base.Orientation, 1) != 1
    upright = ImageOps.exif_transpose(image) if turned else image  # (it copies either way)
    pixels = upright if upright.mode == mode else upright.convert(mode)
    pixels.info = {}
    return pixels


def _encode(image: Image.Image, stored: str) -> bytes:
    out = io.BytesIO()
    name, options = _SAVE[stored]
    image.save(out, name, **options)
    return out.getvalue()


def _position(exif: Image.Exif) -> tuple[float, float] | None:
    """The GPS position in degrees, if the photo has a usable one."""
    try:
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
        lat = _degrees(gps[2], gps[1])
        lon = _degrees(gps[4], gps[3])
    except (KeyError, TypeError, ValueError, ZeroDivisionError, IndexError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat, lon) == (0, 0):
        return None
    return (round(lat, 6), round(lon, 6))


def _degrees(value: tuple[float, float, float], ref: str) -> float:
    d, m, s = (float(part) for part in value)
    sign = -1 if str(ref).strip().upper() in ("S", "W") else 1
    return sign * (d + m / 60 + s / 3600)
