"""The privacy notice lives in one place (services/intake/privacy/texts.py): the field app, the API and
docs/interface.md all show that text, and each request whose resident gave contact details
records the version they heard."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from services.intake import store
from services.intake.privacy import texts as privacy_notice
from tests.support.intake import RESIDENT, request_body, running_intake

ROOT = Path(__file__).resolve().parents[2]


def test_the_interface_page_shows_the_notice_in_force() -> None:
    page = (ROOT / "docs" / "interface.md").read_text()
    assert f"Version `{privacy_notice.VERSION}`" in page
    for text in privacy_notice.TEXT.values():
        assert text in page


async def test_the_field_app_and_the_api_serve_the_same_notice(tmp_path: Path) -> None:
    async with running_intake(f"sqlite+aiosqlite:///{tmp_path / 'i.db'}") as intake:
        script = (await intake.client.get("/field/notice.js")).text
        served = (await intake.client.get("/v1/privacy/notice")).json()
    assert served == {"version": privacy_notice.VERSION, "text": privacy_notice.TEXT}
    assert f'NOTICE_VERSION = "{privacy_notice.VERSION}"' in script
    assert all(text in script for text in privacy_notice.TEXT.values())


async def test_a_request_records_the_notice_its_resident_heard(tmp_path: Path) -> None:
    async with running_intake(f"sqlite+aiosqlite:///{tmp_path / 'i.db'}") as intake:
        heard = {**RESIDENT, "privacy_notice_version": privacy_notice.VERSION}
        told = (await intake.post(request_body(resident=heard))).json()["reference"]
        omitted = (await intake.post(request_body())).json()["reference"]
        silent = (await intake.post(request_body(resident=None))).json()["reference"]
        stale = await intake.post(
            request_body(resident={**RESIDENT, "privacy_notice_version": "2020-01-01"})
        )
        async with intake.app.state.db.reading() as conn:
            rows = await conn.execute(
                select(store.requests.c.reference, store.requests.c.privacy_notice_version)
            )
            recorded = dict(rows.all())
    assert recorded[told] == recorded[omitted] == privacy_notice.VERSION
    assert recorded[silent] is None  # no contact details, no notice needed
    assert stale.status_code == 422
    assert "not the notice in force" in stale.text
