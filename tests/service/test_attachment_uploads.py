"""An upload is read as it arrives and checked before anything is kept: past 10 MB it is
refused with 413 without reading the rest (every other route keeps the app's 64 KB), a
decompression bomb is a 422, and no malformed multipart body makes a 500."""

from __future__ import annotations

import io
import os
import tracemalloc
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PIL import Image

from services.intake.attachments.api import UPLOAD_LIMIT
from shared.objects import FolderObjects
from tests.support.attachments import bomb_png, keep_attachments_in, picture
from tests.support.fakes import FakePublisher
from tests.support.intake import Intake, request_body, running_intake

CHUNK = 64 * 1024
TWELVE_MB = 12 * 1024 * 1024
B = b"b0undary"
PNG = picture("PNG")


@pytest.fixture
async def intake(tmp_path: Path) -> AsyncIterator[tuple[Intake, FolderObjects, str]]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'i.db'}"
    async with running_intake(url, publisher=FakePublisher()) as i:
        objects = keep_attachments_in(i.app, tmp_path / "attachments")
        reference = (await i.post(request_body())).json()["reference"]
        yield i, objects, reference


class Sender:
    """A chunked multipart upload of `total` bytes that counts what the server pulled."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.sent = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        head = part("kind", b"photo") + b"--" + B + b"\r\n"
        yield head + b'Content-Disposition: form-data; name="file"; filename="big.jpg"\r\n\r\n'
        self.sent += len(head)
        chunk = b"\xff\xd8\xff" + b"x" * (CHUNK - 3)
        while self.sent < self.total:
            self.sent += len(chunk)
            yield chunk


def part(name: str, value: bytes, filename: str | None = None, extra: bytes = b"") -> bytes:
    named = f'; filename="{filename}"' if filename else ""
    disposition = f'Content-Disposition: form-data; name="{name}"{named}\r\n'.encode()
    return b"--" + B + b"\r\n" + disposition + extra + b"\r\n" + value + b"\r\n"


def form(*parts: bytes) -> bytes:
    return b"".join(parts) + b"--" + B + b"--\r\n"


MULTIPART = f"multipart/form-data; boundary={B.decode()}"


async def test_a_12_mb_upload_is_refused_as_it_arrives(
    intake: tuple[Intake, FolderObjects, str],
) -> None:
    i, objects, reference = intake
    body = Sender(TWELVE_MB)
    tracemalloc.start()
    try:
        answer = await i.client.post(
            f"/v1/requests/{reference}/attachments",
            content=body,
            headers={**i.auth, "Content-Type": MULTIPART},
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert answer.status_code == 413, answer.text
    assert body.sent <= UPLOAD_LIMIT + 2 * CHUNK  # the limit, the chunk past it, one in flight
    assert peak < 16 * 1024 * 1024  # the ten megabytes it held, once
    assert not await objects.keys("")


async def test_a_declared_12_mb_is_refused_unread(
    intake: tuple[Intake, FolderObjects, str],
) -> None:
    i, _, reference = intake
    answer = await i.client.post(
        f"/v1/requests/{reference}/attachments",
        content=b"",
        headers={**i.auth, "Content-Type": MULTIPART, "Content-Length": str(TWELVE_MB)},
    )
    assert answer.status_code == 413


async def test_nobody_without_a_token_gets_to_send_the_bytes(
    intake: tuple[Intake, FolderObjects, str],
) -> None:
    i, _, reference = intake
    body = Sender(TWELVE_MB)
    answer = await i.client.post(
        f"/v1/requests/{reference}/attachments", content=body, headers={"Content-Type": MULTIPART}
    )
    assert answer.status_code == 401
    assert body.sent < 2 * CHUNK


@pytest.mark.parametrize("path", ["/v1/requests", "/v1/requests/{reference}/reopen"])
async def test_every_other_route_keeps_its_64_kb(
    intake: tuple[Intake, FolderObjects, str], path: str
) -> None:
    i, _, reference = intake
    answer = await i.client.post(
        path.format(reference=reference),
        content=b'{"reason": "' + b"x" * 100_000 + b'"}',
        headers={**i.auth, "Content-Type": "application/json"},
    )
    assert answer.status_code == 413


@pytest.mark.parametrize(
    "size", [(100_000, 100_000), (8_000, 8_000)], ids=["10-gigapixel", "64-megapixel"]
)
@pytest.mark.parametrize("kind", ["photo", "document"])
async def test_a_decompression_bomb_is_422(
    intake: tuple[Intake, FolderObjects, str], size: tuple[int, int], kind: str
) -> None:
    i, objects, reference = intake
    bomb = bomb_png(*size)
    assert len(bomb) < 100_000
    answer = await i.client.post(
        f"/v1/requests/{reference}/attachments",
        files={"file": ("bomb.png", bomb, "image/png")},
        data={"kind": kind},
        headers=i.auth,
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["code"] == "too_many_pixels"
    assert not await objects.keys("")


KIND = part("kind", b"photo")
FILE = part("file", PNG, "p.png")
MALFORMED = {
    "no content type": (None, form(KIND, FILE)),
    "no boundary": ("multipart/form-data", form(KIND, FILE)),
    "json instead": ("application/json", b'{"kind": "photo"}'),
    "a boundary of 300 bytes": ("multipart/form-data; boundary=" + "x" * 300, form(KIND, FILE)),
    "empty body": (MULTIPART, b""),
    "truncated in the file": (MULTIPART, form(KIND, FILE)[:-60]),
    "no closing boundary": (MULTIPART, KIND + FILE),
    "another boundary": ("multipart/form-data; boundary=other", form(KIND, FILE)),
    "no file part": (MULTIPART, form(KIND)),
    "two file parts": (MULTIPART, form(KIND, FILE, FILE)),
    "an empty file": (MULTIPART, form(KIND, part("file", b"", "p.png"))),
    "no kind": (MULTIPART, form(FILE)),
    "a wrong kind": (MULTIPART, form(part("kind", b"selfie"), FILE)),
    "kind twice": (MULTIPART, form(KIND, KIND, FILE)),
    "a kind of 5 KB": (MULTIPART, form(part("kind", b"p" * 5000), FILE)),
    "a kind not UTF-8": (MULTIPART, form(part("kind", b"\xff\xfe\xfa"), FILE)),
    "a document item on a photo": (MULTIPART, form(KIND, part("document", b"id"), FILE)),
    "an unknown part": (MULTIPART, form(KIND, FILE, part("resident", b"Nomsa"))),
    "a header of 8 KB": (
        MULTIPART,
        form(KIND, part("file", PNG, "p.png", b"X-A: " + b"a" * 8192 + b"\r\n")),
    ),
    "40 headers": (MULTIPART, form(KIND, part("file", PNG, "p.png", b"X-A: a\r\n" * 40))),
    "a header without a colon": (
        MULTIPART,
        form(KIND, part("file", PNG, "p.png", b"nonsense\r\n")),
    ),
    "no content disposition": (
        MULTIPART,
        form(KIND, b"--" + B + b"\r\nX-A: a\r\n\r\n" + PNG + b"\r\n"),
    ),
    "disposition not form-data": (
        MULTIPART,
        form(
            KIND,
            b"--" + B + b'\r\nContent-Disposition: attachment; name="file"\r\n\r\n' + PNG + b"\r\n",
        ),
    ),
    "disposition without a name": (
        MULTIPART,
        form(KIND, b"--" + B + b"\r\nContent-Disposition: form-data\r\n\r\n" + PNG + b"\r\n"),
    ),
    "fifty parts": (MULTIPART, form(*(part(f"f{n}", b"x") for n in range(50)))),
    "bare LF line ends": (MULTIPART, form(KIND, FILE).replace(b"\r\n", b"\n")),
    "garbage, no boundary at all": (MULTIPART, b"\x00\x01garbage" * 100),
}


async def test_no_malformed_multipart_body_makes_a_500(
    intake: tuple[Intake, FolderObjects, str],
) -> None:
    i, objects, reference = intake
    assert len(MALFORMED) >= 25
    answers = {}
    for name, (content_type, body) in MALFORMED.items():
        headers = {**i.auth, **({"Content-Type": content_type} if content_type else {})}
        answer = await i.client.post(
            f"/v1/requests/{reference}/attachments", content=body, headers=headers
        )
        answers[name] = answer.status_code
        assert answer.json()["error"]["code"], name
    assert all(400 <= status < 500 for status in answers.values()), answers
    assert not await objects.keys("")


async def test_a_photo_of_megabytes_is_taken(intake: tuple[Intake, FolderObjects, str]) -> None:
    i, objects, reference = intake
    noisy = Image.frombytes("RGB", (1200, 900), os.urandom(1200 * 900 * 3))
    out = io.BytesIO()
    noisy.save(out, "PNG")
    assert len(out.getvalue()) > 3 * 1024 * 1024  # far past the app's 64 KB
    answer = await i.client.post(
        f"/v1/requests/{reference}/attachments",
        files={"file": ("noise.png", out.getvalue(), "image/png")},
        data={"kind": "photo"},
        headers=i.auth,
    )
    assert answer.status_code == 201, answer.text
    assert len(await objects.keys("")) == 2  # the photo and its thumbnail
