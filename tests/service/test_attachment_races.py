"""Attachments added at the same moment, on SQLite and PostgreSQL: a retry racing its first
try is answered once (one row, one event), and the limits hold when uploads cross."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

from services.intake.attachments import store
from services.intake.attachments.store import StoredAttachment
from shared.events import parse_event
from shared.topics import EventType
from tests.support.attachments import picture, running_office
from tests.support.clock import NOON


async def test_a_retry_racing_its_first_try_is_kept_once(
    make_database: Callable[[], Awaitable[str]], tmp_path: Path
) -> None:
    async with running_office(tmp_path, await make_database()) as office:
        photo = picture("PNG", (600, 400))
        key = {"Idempotency-Key": "tablet-7-photo-9"}
        answers = await asyncio.gather(*(office.attach(photo, **key) for _ in range(4)))
        assert {a.status_code for a in answers} == {201}, [a.text for a in answers]
        assert len({a.json()["id"] for a in answers}) == 1
        assert sum("Idempotent-Replayed" in a.headers for a in answers) == 3
        assert len((await office.read(office.path(), "operator")).json()) == 1
        await office.intake.drain_outbox()
        types = [parse_event(m.value).type for m in office.publisher.sent]
        assert types.count(EventType.ATTACHMENT_ADDED) == 1


async def test_crossing_uploads_keep_to_five_photos(
    make_database: Callable[[], Awaitable[str]], tmp_path: Path
) -> None:
    async with running_office(tmp_path, await make_database()) as office:
        for n in range(3):
            assert (await office.attach(picture("PNG", (30 + n, 30)))).status_code == 201
        crossing = [office.attach(picture("PNG", (40 + n, 40))) for n in range(4)]
        answers = await asyncio.gather(*crossing)
        assert sorted(a.status_code for a in answers) == [201, 201, 409, 409]
        assert len((await office.read(office.path(), "operator")).json()) == 5
        assert len(await office.objects.keys("")) >= 10  # orphans of the refused: harmless


async def test_a_key_taken_meanwhile_leaves_the_transaction_usable(
    make_database: Callable[[], Awaitable[str]], tmp_path: Path
) -> None:
    async with running_office(tmp_path, await make_database()) as office:
        first = StoredAttachment(
            id=str(uuid.uuid4()),
            reference=office.reference,
            kind="photo",
            document=None,
            content_type="image/png",
            bytes=10,
            sha256="0" * 64,
            width=1,
            height=1,
            public=False,
            added_by="thandi",
            added_at=NOON,
            body_sha256="1" * 64,
        )
        async with office.intake.app.state.db.transaction() as conn:
            assert await store.add_attachment(conn, first, "k-1")
            second = dataclasses.replace(first, id=str(uuid.uuid4()))
            assert not await store.add_attachment(conn, second, "k-1")
            assert await store.count_of_kind(conn, office.reference, "photo") == 1
        assert len((await office.read(office.path(), "operator")).json()) == 1
