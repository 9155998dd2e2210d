"""Photos anyone may see: a photo stays private (the public route 404s, as for an id that does
not exist; Open311 has no `media_url`, the follow-up no photo) until its department makes it
public (`photo_made_public`, from routing); then anyone reads its stripped bytes and
thumbnail, Open311's `media_url` and the follow-up view point at it. A document is never
public, whatever the bus says."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.support.attachments import Office, made_public, pdf, phone_jpeg, running_office
from tests.support.clock import NOON
from tests.support.intake import request_body


@pytest.fixture
async def office(tmp_path: Path) -> AsyncIterator[Office]:
    async with running_office(tmp_path) as running:
        yield running


def public(office: Office, photo: str, reference: str | None = None) -> str:
    return f"/v1/requests/{reference or office.reference}/photos/{photo}"


async def media_url(office: Office) -> str | None:
    found = await office.client.get(f"/open311/v2/requests/{office.reference}.json")
    assert found.status_code == 200
    url: str | None = found.json()[0]["media_url"]
    return url


async def photos_shown(office: Office) -> list[dict[str, str]]:
    found = await office.client.get(f"/v1/requests/{office.reference}")  # anyone
    assert found.status_code == 200
    shown: list[dict[str, str]] = found.json()["photos"]
    return shown


async def dead_letters(client: httpx.AsyncClient) -> float:
    text = (await client.get("/metrics")).text
    return sum(
        float(n) for n in re.findall(r"^mo_intake_deadletters_total\{.*\} (\S+)$", text, re.M)
    )


async def test_a_photo_is_private_until_its_department_makes_it_public(office: Office) -> None:
    photo = (await office.attach(phone_jpeg())).json()["id"]
    unknown = str(uuid.uuid4())
    private = await office.client.get(public(office, photo))
    nobody = await office.client.get(public(office, unknown))
    assert private.status_code == nobody.status_code == 404
    assert private.json() == nobody.json()  # a private photo and no photo look the same
    assert (await office.client.get(public(office, photo) + "?size=thumb")).status_code == 404
    assert await media_url(office) is None
    assert await photos_shown(office) == []

    assert [a["public"] for a in (await office.read(office.path())).json()] == [False]

    await made_public(office.intake.app, office.reference, photo, NOON)
    await made_public(office.intake.app, office.reference, photo, NOON)  # again: no change
    assert [a["public"] for a in (await office.read(office.path())).json()] == [True]

    shown = await office.client.get(public(office, photo))  # no token
    assert shown.status_code == 200 and shown.headers["content-type"] == "image/jpeg"
    assert shown.headers["cache-control"].startswith("public")
    kept = await office.read(f"{office.path()}/{photo}")  # what the department reads
    assert shown.content == kept.content  # as kept: turned upright, without metadata
    assert b"TestCam" not in shown.content and b"Exif" not in shown.content
    thumb = await office.client.get(public(office, photo) + "?size=thumb")
    assert thumb.status_code == 200
    assert thumb.content == (await office.read(f"{office.path()}/{photo}?size=thumb")).content
    url = f"http://service{public(office, photo)}"
    assert await media_url(office) == url
    assert await photos_shown(office) == [{"url": url, "thumbnail_url": f"{url}?size=thumb"}]
    listed = await office.client.get(
        f"/open311/v2/requests.json?service_request_id={office.reference}"
    )
    assert listed.json()[0]["media_url"] == url


async def test_media_url_is_the_first_public_photo(office: Office) -> None:
    first, second = [(await office.attach(phone_jpeg())).json()["id"] for _ in range(2)]
    await made_public(office.intake.app, office.reference, second, NOON)
    assert await media_url(office) == f"http://service{public(office, second)}"
    await made_public(office.intake.app, office.reference, first, NOON)
    assert await media_url(office) == f"http://service{public(office, first)}"
    assert [p["url"] for p in await photos_shown(office)] == [
        f"http://service{public(office, photo)}" for photo in (first, second)
    ]


async def test_a_document_is_never_made_public(office: Office) -> None:
    paper = (await office.attach(pdf(), kind="document")).json()["id"]
    before = await dead_letters(office.client)
    await made_public(office.intake.app, office.reference, paper, NOON)
    assert (await office.client.get(public(office, paper))).status_code == 404
    assert await media_url(office) is None
    assert await photos_shown(office) == []
    assert await dead_letters(office.client) == before + 1  # refused, for the operators to see


async def test_a_public_photo_is_shown_under_its_own_request_only(office: Office) -> None:
    photo = (await office.attach(phone_jpeg())).json()["id"]
    other = (await office.intake.post(request_body())).json()["reference"]
    await made_public(office.intake.app, other, photo, NOON)  # the wrong request: nothing
    assert (await office.client.get(public(office, photo))).status_code == 404
    await made_public(office.intake.app, office.reference, photo, NOON)
    assert (await office.client.get(public(office, photo))).status_code == 200
    assert (await office.client.get(public(office, photo, other))).status_code == 404
    unknown = str(uuid.uuid4())
    await made_public(office.intake.app, office.reference, unknown, NOON)  # skipped, no error
    assert (await office.client.get(public(office, unknown))).status_code == 404
    assert (await office.client.get(public(office, photo, "12345"))).status_code == 422
