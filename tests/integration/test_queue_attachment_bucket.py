"""Routing reads what intake put in the real S3-compatible object store (the tests' S3Proxy):
a photo uploaded to intake, sealed in the bucket under the shared master keys, is shown on
the work queue's request page as a thumbnail that routing serves from the same bucket."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import obstore
import pytest
from obstore.store import S3Store

from services.intake import store as intake_store
from services.intake.app import create_app as intake_app
from services.intake.settings import IntakeSettings
from services.routing.app import create_app as routing_app
from services.routing.settings import RoutingSettings
from shared.credentials import Role
from shared.events import CONTENT_TYPE
from shared.objects import object_key
from shared.topics import REQUESTS_LOGGED
from tests.support.attachments import picture
from tests.support.fakes import FakePublisher
from tests.support.harness import running_app
from tests.support.intake import request_body
from tests.support.routing import Routing
from tests.support.tokens import issue
from tests.support.work_queue import TEAM, signed_in

pytestmark = pytest.mark.integration


def store_settings(s3_server: dict[str, str]) -> dict[str, Any]:
    """The same bucket for both (the same master keys: the tests' own, which both get)."""
    return {
        "attachments_bucket": s3_server["bucket"],
        "attachments_endpoint": s3_server["endpoint"],
        "attachments_access_key_id": s3_server["access_key_id"],
        "attachments_secret_access_key": s3_server["secret_access_key"],
    }


async def test_routing_shows_a_photo_intake_put_in_the_bucket(
    s3_server: dict[str, str], tmp_path: Path
) -> None:
    settings = store_settings(s3_server)
    sent = FakePublisher()
    intake_db, routing_db = (f"sqlite+aiosqlite:///{tmp_path / n}" for n in ("i.db", "r.db"))
    async with running_app(
        intake_app, IntakeSettings, database_url=intake_db, publisher=sent, settings=settings
    ) as (intake, intake_client):
        agent = await issue(intake.state.db, intake_store.credentials, "agent-s3", Role.FIELD_AGENT)
        auth = {"Authorization": f"Bearer {agent}"}
        reference = (
            await intake_client.post("/v1/requests", json=request_body(), headers=auth)
        ).json()["reference"]
        photo = picture("JPEG", (1200, 900), "teal")
        uploaded = await intake_client.post(
            f"/v1/requests/{reference}/attachments",
            files={"file": ("leak.jpg", photo, "image/jpeg")},
            data={"kind": "photo"},
            headers={**auth, "Idempotency-Key": "s3-photo-1"},
        )
        assert uploaded.status_code == 201, uploaded.text
        attachment_id = uploaded.json()["id"]
        await intake.state.relay.drain()
    thumb_key = object_key(reference, attachment_id, "thumb")
    raw = await obstore.get_async(bucket(s3_server), thumb_key)
    sealed = bytes(await raw.bytes_async())
    assert not sealed.startswith(b"\xff\xd8")  # kept sealed, not as the JPEG it is

    async with running_app(
        routing_app,
        RoutingSettings,
        database_url=routing_db,
        publisher=FakePublisher(),
        settings=settings,
    ) as (app, client):
        routing = Routing(app, client)
        for message in sent.sent:  # intake's events, on the topic routing reads
            if message.topic == REQUESTS_LOGGED:
                await app.state.broker.publish(
                    message.value,
                    REQUESTS_LOGGED,
                    key=message.key,
                    headers={"content-type": CONTENT_TYPE},
                )
        await signed_in(routing, TEAM)
        page = await client.get(f"/queue/requests/{reference}")
        assert page.status_code == 200, page.text
        src = f"/queue/requests/{reference}/attachments/{attachment_id}?size=thumb"
        assert f'src="{src}"' in page.text
        shown = await client.get(src)
        assert shown.status_code == 200 and shown.content.startswith(b"\xff\xd8")
        assert shown.headers["content-type"] == "image/jpeg" and len(shown.content) < len(photo)


def bucket(s3_server: dict[str, str]) -> S3Store:
    return S3Store(
        s3_server["bucket"],
        endpoint=s3_server["endpoint"],
        access_key_id=s3_server["access_key_id"],
        secret_access_key=s3_server["secret_access_key"],
        region="us-east-1",
        client_options={"allow_http": True},
        virtual_hosted_style_request=False,
    )
