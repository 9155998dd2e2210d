"""A finished request's attachments on the real S3-compatible server (the tests' S3Proxy),
intake's own retention job and privacy answers running, the bucket listed directly: its
documents (original and thumbnail) leave the bucket `MO_INTAKE_DOCUMENTS_RETENTION_DAYS` after
the request was finished and not a day before, its photos with its description and place
(`details_retention_days`), an open request's stay; a resident's erasure removes every
object of their requests; an access answer counts their attachments by kind."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import obstore
import pytest
from fastapi import FastAPI

from services.intake import store
from services.intake.app import create_app
from services.intake.settings import IntakeSettings
from shared.contracts.privacy import AccessAnswered, ErasureAnswered, PrivacyAnswer
from shared.credentials import Role
from shared.events import CONTENT_TYPE, new_event
from shared.objects import request_prefix
from shared.retention import Purger
from shared.topics import privacy_answers, source
from tests.integration.test_attachment_bucket import bucket, listed
from tests.support.attachments import pdf, phone_jpeg, picture, routed
from tests.support.clock import NOON, Clock
from tests.support.fakes import FakePublisher
from tests.support.harness import running_app
from tests.support.intake import request_body, resolved
from tests.support.tokens import issue

pytestmark = pytest.mark.integration

DAY = dt.timedelta(days=1)
FINISHED = NOON + dt.timedelta(hours=3)
DOCUMENTS_DAYS = 120  # not the default: the setting is what counts
DETAILS_DAYS = 400


@dataclass
class Office:
    app: FastAPI
    client: httpx.AsyncClient
    clock: Clock
    agent: dict[str, str]
    operator: dict[str, str]

    async def log(self) -> str:
        logged = await self.client.post("/v1/requests", json=request_body(), headers=self.agent)
        reference: str = logged.json()["reference"]
        await routed(self.app, reference, "water-and-sanitation", NOON)
        return reference

    async def attach(self, reference: str, kind: str, data: bytes, name: str) -> str:
        sent = await self.client.post(
            f"/v1/requests/{reference}/attachments",
            files={"file": (name, data, "application/octet-stream")},
            data={"kind": kind},
            headers=self.agent,
        )
        assert sent.status_code == 201, sent.text
        attachment: str = sent.json()["id"]
        return attachment

    async def attach_three(self, reference: str) -> dict[str, str]:
        """A photo, a PDF document and a document that is a picture (with a thumbnail)."""
        return {
            "photo": await self.attach(reference, "photo", phone_jpeg(), "leak.jpg"),
            "pdf": await self.attach(reference, "document", pdf(), "affidavit.pdf"),
            "scan": await self.attach(reference, "document", picture("PNG"), "id.png"),
        }

    @property
    def purger(self) -> Purger:
        purger: Purger = self.app.state.purger
        return purger


@pytest.fixture
async def office(
    s3_server: dict[str, str], database_url: str, tmp_path: Path
) -> AsyncIterator[Office]:
    clock = Clock(NOON)
    settings: dict[str, Any] = {
        "attachments_bucket": s3_server["bucket"],
        "attachments_endpoint": s3_server["endpoint"],
        "attachments_access_key_id": s3_server["access_key_id"],
        "attachments_secret_access_key": s3_server["secret_access_key"],
        "attachments_folder": tmp_path / "not-used",
        "documents_retention_days": DOCUMENTS_DAYS,
        "details_retention_days": DETAILS_DAYS,
    }
    async with running_app(
        create_app,
        IntakeSettings,
        database_url=database_url,
        publisher=FakePublisher(),
        settings=settings,
        overrides={"clock": clock},
    ) as (app, client):
        db = app.state.db
        agent = await issue(db, store.credentials, "thandi", Role.FIELD_AGENT)
        operator = await issue(db, store.credentials, "ops", Role.OPERATOR)
        yield Office(
            app,
            client,
            clock,
            {"Authorization": f"Bearer {agent}"},
            {"Authorization": f"Bearer {operator}"},
        )


async def in_bucket(s3_server: dict[str, str], reference: str) -> list[str]:
    return await listed(bucket(s3_server), request_prefix(reference))


def keys(reference: str, attachment: str, *variants: str) -> list[str]:
    return [f"{request_prefix(reference)}{attachment}/{v}" for v in variants]


async def test_a_finished_requests_documents_leave_the_bucket_after_the_set_days(
    office: Office, s3_server: dict[str, str]
) -> None:
    closed, still_open = await office.log(), await office.log()
    mine = await office.attach_three(closed)
    theirs = await office.attach_three(still_open)
    await resolved(office.app, closed, FINISHED)
    everything = sorted(
        keys(closed, mine["photo"], "original", "thumb")
        + keys(closed, mine["pdf"], "original")
        + keys(closed, mine["scan"], "original", "thumb")
    )
    assert await in_bucket(s3_server, closed) == everything

    office.clock.now = FINISHED + (DOCUMENTS_DAYS - 1) * DAY
    ran = await office.purger.run_once()
    assert (ran["documents"], ran["photos"]) == (0, 0)
    assert await in_bucket(s3_server, closed) == everything  # not a day early

    office.clock.now = FINISHED + (DOCUMENTS_DAYS + 1) * DAY
    assert (await office.purger.run_once())["documents"] == 2
    photo_only = sorted(keys(closed, mine["photo"], "original", "thumb"))
    assert await in_bucket(s3_server, closed) == photo_only  # the photo stays for now
    assert len(await in_bucket(s3_server, still_open)) == 5  # open: all of it stays
    assert (await office.purger.run_once())["documents"] == 0  # nothing twice
    listed_now = await office.client.get(
        f"/v1/requests/{closed}/attachments", headers=office.operator
    )
    assert [a["kind"] for a in listed_now.json()] == ["photo"]

    office.clock.now = FINISHED + (DETAILS_DAYS + 1) * DAY
    ran = await office.purger.run_once()
    assert (ran["photos"], ran["request_details"]) == (1, 1)  # with its description
    assert await in_bucket(s3_server, closed) == []
    assert sorted(await in_bucket(s3_server, still_open)) == sorted(
        keys(still_open, theirs["photo"], "original", "thumb")
        + keys(still_open, theirs["pdf"], "original")
        + keys(still_open, theirs["scan"], "original", "thumb")
    )


async def test_a_missing_object_does_not_stop_the_purge(
    office: Office, s3_server: dict[str, str]
) -> None:
    closed = await office.log()
    mine = await office.attach_three(closed)
    await resolved(office.app, closed, FINISHED)
    await obstore.delete_async(bucket(s3_server), keys(closed, mine["scan"], "thumb")[0])
    office.clock.now = FINISHED + (DOCUMENTS_DAYS + 1) * DAY
    assert (await office.purger.run_once())["documents"] == 2
    assert await in_bucket(s3_server, closed) == sorted(
        keys(closed, mine["photo"], "original", "thumb")
    )


async def answer(office: Office, kind: str, references: list[str]) -> dict[str, Any]:
    """An operator asks at the table; notifications answers with the resident's requests;
    intake answers its part (the view the operator reads)."""
    asked = await office.client.post(
        "/v1/privacy/requests",
        json={"kind": kind, "phone": "0825550111", "reason": "asked at the table"},
        headers=office.operator,
    )
    assert asked.status_code == 202, asked.text
    request_id = asked.json()["id"]
    model: type[PrivacyAnswer] = ErasureAnswered if kind == "erasure" else AccessAnswered
    said = model(
        request_id=request_id,
        service="notifications",
        references=references,
        held={"contacts": 1},
        answered_at=NOON,
    )
    event = new_event(said, source("notifications"), request_id, NOON)
    await office.app.state.broker.publish(
        event.to_bytes(),
        privacy_answers("notifications"),
        key=event.key,
        headers={"content-type": CONTENT_TYPE},
    )
    view = await office.client.get(
        f"/v1/privacy/requests/{request_id}?reason=the+resident+asks", headers=office.operator
    )
    answered: dict[str, Any] = view.json()["answers"]["intake"]
    return answered


async def test_erasure_removes_the_residents_objects_from_the_bucket(
    office: Office, s3_server: dict[str, str]
) -> None:
    first, second, someone_elses = await office.log(), await office.log(), await office.log()
    for reference in (first, second, someone_elses):
        await office.attach_three(reference)
    assert len(await in_bucket(s3_server, first)) == 5
    erased = await answer(office, "erasure", [first, second])
    assert erased["held"]["attachments removed"] == 6
    assert await in_bucket(s3_server, first) == []
    assert await in_bucket(s3_server, second) == []
    assert len(await in_bucket(s3_server, someone_elses)) == 5
    for reference in (first, second):
        left = await office.client.get(
            f"/v1/requests/{reference}/attachments", headers=office.operator
        )
        assert left.json() == []


async def test_an_access_answer_counts_attachments_by_kind(office: Office) -> None:
    first, second, bare = await office.log(), await office.log(), await office.log()
    await office.attach_three(first)
    await office.attach(second, "photo", phone_jpeg(), "leak.jpg")
    answered = await answer(office, "access", [first, second, bare])
    assert answered["attachments"] == {
        first: {"document": 2, "photo": 1},
        second: {"photo": 1},
    }
    assert answered["held"]["photos"] == 2 and answered["held"]["documents"] == 2
