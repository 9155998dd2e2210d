"""Attachments for tests: pictures made with Pillow (with the metadata a phone adds), a
request routed to a department, and intake's object store in a test's own folder."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import struct
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from fastapi import FastAPI
from PIL import Image, ImageCms

from services.intake import store
from shared.contracts.common import Area, RequestStatus
from shared.contracts.routing import PhotoMadePublic, RequestRouted, RoutingOutcome
from shared.credentials import Role
from shared.events import CONTENT_TYPE, new_event
from shared.objects import FolderObjects
from shared.topics import REQUESTS_ROUTED, REQUESTS_STATUS, source
from tests.support.clock import NOON
from tests.support.fakes import FakePublisher
from tests.support.intake import Intake, request_body, running_intake
from tests.support.tokens import issue

__all__ = [
    "CAMERA",
    "DEPARTMENT",
    "XMP",
    "Office",
    "bomb_png",
    "heic",
    "keep_attachments_in",
    "made_public",
    "pdf",
    "phone_jpeg",
    "picture",
    "routed",
    "running_office",
]

CAMERA = "TestCam Model-X9"
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf'
    b'-syntax-ns#"><rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" '
    b'xmp:CreatorTool="SecretEditor"/></rdf:RDF></x:xmpmeta>'
)


DEPARTMENT = "water-and-sanitation"


@dataclass
class Office:
    intake: Intake
    publisher: FakePublisher
    objects: FolderObjects
    reference: str
    tokens: dict[str, str]

    @property
    def client(self) -> httpx.AsyncClient:
        return self.intake.client

    def path(self, reference: str | None = None) -> str:
        return f"/v1/requests/{reference or self.reference}/attachments"

    async def attach(
        self,
        data: bytes,
        kind: str = "photo",
        name: str = "photo.jpg",
        declared: str = "image/jpeg",
        reference: str | None = None,
        **headers: str,
    ) -> httpx.Response:
        return await self.client.post(
            self.path(reference),
            files={"file": (name, data, declared)},
            data={"kind": kind},
            headers={**self.intake.auth, **headers},
        )

    async def read(self, url: str, who: str = "department") -> httpx.Response:
        auth = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        return await self.client.get(url, headers=auth)


@asynccontextmanager
async def running_office(tmp_path: Path, database_url: str | None = None) -> AsyncIterator[Office]:
    """Intake (on SQLite in `tmp_path`, or on `database_url`) with a request routed to
    DEPARTMENT, its attachments in `tmp_path`, and a token of each kind of reader."""
    publisher = FakePublisher()
    url = database_url or f"sqlite+aiosqlite:///{tmp_path / 'i.db'}"
    async with running_intake(url, publisher=publisher) as i:
        objects = keep_attachments_in(i.app, tmp_path / "attachments")
        reference = (await i.post(request_body())).json()["reference"]
        await routed(i.app, reference, DEPARTMENT, NOON)
        db = i.app.state.db
        tokens = {
            "department": await issue(db, store.credentials, DEPARTMENT, Role.DEPARTMENT),
            "other": await issue(db, store.credentials, "electricity", Role.DEPARTMENT),
            "operator": await issue(db, store.credentials, "ops", Role.OPERATOR),
            "partner": await issue(db, store.credentials, "call-centre", Role.PARTNER),
            "agent": i.token,
        }
        yield Office(i, publisher, objects, reference, tokens)


def keep_attachments_in(app: FastAPI, folder: Path) -> FolderObjects:
    """Intake's object store for attachments, in `folder` (not the default var/attachments/)."""
    objects = FolderObjects(folder)
    app.state.deps = dataclasses.replace(app.state.deps, attachments=objects)
    return objects


def picture(fmt: str = "PNG", size: tuple[int, int] = (64, 48), color: str = "green") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, fmt)
    return out.getvalue()


def phone_jpeg(size: tuple[int, int] = (300, 200), orientation: int = 6) -> bytes:
    """Left half red, right half blue, stored on its side: EXIF orientation 6 says to turn
    it a quarter clockwise (red on top). With a camera's tags, GPS (Cape Town), XMP, an ICC
    profile and a comment."""
    image = Image.new("RGB", size, "blue")
    image.paste((255, 0, 0), (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[0x010F] = "TestCam"  # Make
    exif[0x0110] = CAMERA  # Model
    exif[0x0112] = orientation
    gps = exif.get_ifd(0x8825)
    gps.update({1: "S", 2: (33.0, 55.0, 30.0), 3: "E", 4: (18.0, 25.0, 12.0)})
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, xmp=XMP, icc_profile=icc, comment=b"secret comment")
    return out.getvalue()


def heic(size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "orange").save(out, "HEIF")
    return out.getvalue()


def pdf(text: str = "affidavit") -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% "
        + text.encode()
        + b"\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )


def bomb_png(width: int, height: int) -> bytes:
    """A PNG of a few hundred bytes that says it is `width` x `height`: its pixels would
    take gigabytes once decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit grey
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    pixels = zlib.compress(row * 16, 9)  # the first rows only: enough to look real
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


async def routed(app: FastAPI, reference: str, department: str, at: dt.datetime) -> None:
    """Tells intake, as routing would, that the request went to `department`."""
    news = RequestRouted(
        reference=reference,
        category="water",
        area=Area("east"),
        community="Khayelitsha",
        outcome=RoutingOutcome.ROUTED,
        status=RequestStatus.ROUTED,
        department=department,
        decided_at=at,
    )
    event = new_event(news, source("routing"), reference, at)
    await app.state.broker.publish(
        event.to_bytes(), REQUESTS_ROUTED, key=event.key, headers={"content-type": CONTENT_TYPE}
    )


async def made_public(
    app: FastAPI, reference: str, attachment_id: str, at: dt.datetime, department: str = DEPARTMENT
) -> None:
    """Tells intake, as routing would for a department, that it may show this photo."""
    news = PhotoMadePublic(
        reference=reference, attachment_id=attachment_id, department=department, made_public_at=at
    )
    event = new_event(news, source("routing"), reference, at)
    await app.state.broker.publish(
        event.to_bytes(), REQUESTS_STATUS, key=event.key, headers={"content-type": CONTENT_TYPE}
    )
