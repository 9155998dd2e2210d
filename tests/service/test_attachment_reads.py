"""Who reads a request's attachments: its department and operators (200), another
department, a partner, a field agent (403) and anyone without a token (401); a document only
with a reason, which the audit keeps."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support.attachments import DEPARTMENT, Office, pdf, picture, running_office
from tests.support.intake import request_body


@pytest.fixture
async def office(tmp_path: Path) -> AsyncIterator[Office]:
    async with running_office(tmp_path) as running:
        yield running


async def test_who_sees_what(office: Office) -> None:
    photo = (await office.attach(picture("PNG"))).json()["id"]
    paper = (await office.attach(pdf(), kind="document")).json()["id"]
    photo_url, paper_url = f"{office.path()}/{photo}", f"{office.path()}/{paper}"
    for url in (office.path(), photo_url, f"{photo_url}?size=thumb"):
        for who in ("department", "operator"):
            assert (await office.read(url, who)).status_code == 200, (url, who)
        for who in ("other", "partner", "agent"):
            assert (await office.read(url, who)).status_code == 403, (url, who)
        assert (await office.read(url, "")).status_code == 401
    listed = (await office.read(office.path())).json()
    assert [a["kind"] for a in listed] == ["photo", "document"]
    unexplained = await office.read(paper_url)
    assert unexplained.status_code == 422
    assert "reason" in unexplained.json()["error"]["fields"]
    assert (
        await office.read(f"{paper_url}?reason=checking+the+affidavit", "other")
    ).status_code == 403
    explained = await office.read(f"{paper_url}?reason=checking+the+affidavit")
    assert explained.status_code == 200 and explained.content == pdf()
    assert explained.headers["content-disposition"].startswith("attachment")
    audit = await office.read("/v1/audit", "operator")
    rows = [r for r in audit.json() if r["action"] == "read document"]
    assert len(rows) == 1
    assert rows[0]["caller"] == DEPARTMENT and rows[0]["reason"] == "checking the affidavit"
    assert rows[0]["subject"] == f"{office.reference}/{paper}"


async def test_a_request_not_yet_routed_is_seen_by_operators_only(office: Office) -> None:
    reference = (await office.intake.post(request_body())).json()["reference"]
    assert (await office.attach(picture(), reference=reference)).status_code == 201
    assert (await office.read(office.path(reference), "operator")).status_code == 200
    assert (await office.read(office.path(reference), "department")).status_code == 403


async def test_a_reason_is_no_place_for_a_number_and_a_photo_needs_none(office: Office) -> None:
    photo = (await office.attach(picture("PNG"))).json()["id"]
    paper = (await office.attach(pdf(), kind="document")).json()["id"]
    numbered = await office.read(f"{office.path()}/{paper}?reason=called+0825550199", "operator")
    assert numbered.status_code == 422 and "reason" in numbered.json()["error"]["fields"]
    assert (
        await office.read(f"{office.path()}/{paper}?size=thumb&reason=checking")
    ).status_code == 404
    assert (await office.read(f"{office.path()}/{photo}", "operator")).status_code == 200
    assert (await office.read(f"{office.path()}/{new_id()}", "operator")).status_code == 404
    audit = (await office.read("/v1/audit", "operator")).json()
    assert not [r for r in audit if r["action"] == "read document"]  # nothing was read


def new_id() -> str:
    return str(uuid.uuid4())
