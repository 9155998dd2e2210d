"""Attachments on routing's side, for tests: the sealed object store in a test's own folder
(the keys intake's tests seal with), and a photo or document put there as intake puts it,
with the attachment_added event intake publishes."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import uuid
from datetime import UTC, datetime
from pathlib import Path

from fastapi import FastAPI
from PIL import Image, ImageDraw

from shared.contracts.requests import AttachmentAdded
from shared.events import CONTENT_TYPE, new_event
from shared.objects import FolderObjects, ObjectStore, SealedObjects, object_key
from shared.sealing import SealingKeys
from shared.topics import REQUESTS_LOGGED, source
from tests.support.processes import ATTACHMENT_KEYS
from tests.support.routing import Routing

__all__ = ["attach", "png", "sealed_store", "use_store"]

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def sealed_store(folder: Path) -> ObjectStore:
    """A folder store sealed under the tests' master keys (intake's and routing's alike)."""
    return SealedObjects(FolderObjects(folder), SealingKeys.parse(ATTACHMENT_KEYS))


def use_store(app: FastAPI, objects: ObjectStore) -> ObjectStore:
    """Routing reads `objects` (not the default var/attachments/)."""
    app.state.deps = dataclasses.replace(app.state.deps, attachments=objects)
    return objects


def png(color: str, size: tuple[int, int] = (320, 240)) -> bytes:
    """A fault as a picture: a `color` puddle on a grey road under a pale sky."""
    image = Image.new("RGB", size, (176, 196, 222))
    width, height = size
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, height * 2 // 5, width, height), fill=(110, 110, 110))
    draw.ellipse((width // 5, height // 2, width * 4 // 5, height * 9 // 10), fill=color)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


async def attach(
    routing: Routing,
    objects: ObjectStore,
    reference: str,
    kind: str = "photo",
    color: str = "red",
    times: int = 1,
) -> str:
    """A photo (PNG, with a thumbnail) or a document (a PDF) as intake keeps it; routing
    told of it on the bus (`times` times: the same event again, then a new event of the same
    attachment, as a retrying intake would send). Its id."""
    attachment_id = str(uuid.uuid4())
    data, content_type = (
        (png(color, (640, 480)), "image/png") if kind == "photo" else (PDF, "application/pdf")
    )
    await objects.put(object_key(reference, attachment_id, "original"), data)
    if kind == "photo":
        await objects.put(object_key(reference, attachment_id, "thumb"), png(color))
    now = datetime.now(UTC)
    added = AttachmentAdded(
        reference=reference,
        attachment_id=attachment_id,
        kind=kind,  # type: ignore[arg-type]
        content_type=content_type,
        bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        added_at=now,
    )
    event = new_event(added, source("intake"), reference, now)
    for n in range(times):
        sent = event if n % 2 == 0 else new_event(added, source("intake"), reference, now)
        await routing.app.state.broker.publish(
            sent.to_bytes(), REQUESTS_LOGGED, key=sent.key, headers={"content-type": CONTENT_TYPE}
        )
    return attachment_id
