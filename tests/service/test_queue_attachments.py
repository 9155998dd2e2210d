"""A request's photos and documents on the work queue (issue 26 item 7, and the routing side
of item 5), on a real store and a real sealed object store, with the in-memory bus: routing
keeps what intake says was attached; the request's department and operators see thumbnails
(full size a click away), another team 403, nobody without a session; a document is read
only with a reason, audited; nothing is cached; only the department makes a photo public,
published once; a document never."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from services.routing import store
from services.routing.attachments.store import attachments
from shared.contracts.privacy import ErasureAnswered
from shared.events import CONTENT_TYPE, new_event
from shared.objects import ObjectStore, object_key
from shared.topics import privacy_answers, source
from tests.support.clock import Clock
from tests.support.fakes import FakePublisher
from tests.support.queue_attachments import attach, sealed_store, use_store
from tests.support.routing import Routing, running_routing
from tests.support.work_queue import TEAM, logged, signed_in

MADE_PUBLIC = "mobileoffice.request.photo_made_public.v1"


@pytest.fixture
def bus() -> FakePublisher:
    return FakePublisher()


@pytest.fixture
async def routing(
    make_database: Callable[[], Awaitable[str]], bus: FakePublisher
) -> AsyncIterator[Routing]:
    url = await make_database()
    clock = Clock(dt.datetime.now(dt.UTC))
    async with running_routing(url, publisher=bus, clock=clock) as running:
        yield running


@pytest.fixture
def objects(routing: Routing, tmp_path: Path) -> ObjectStore:
    return use_store(routing.app, sealed_store(tmp_path / "attachments"))


def base(reference: str) -> str:
    return f"/queue/requests/{reference}/attachments/"


async def made_public(routing: Routing, bus: FakePublisher) -> list[dict[str, object]]:
    await routing.drain_outbox()
    events = [json.loads(m.value) for m in bus.sent]
    return [e["data"] for e in events if e["type"] == MADE_PUBLIC]


async def test_the_department_and_operators_see_the_photos_another_team_does_not(
    routing: Routing, objects: ObjectStore
) -> None:
    reference = await logged(routing, "water", "Burst pipe in the yard")
    photo = await attach(routing, objects, reference, color="red")
    thumb = f"{base(reference)}{photo}?size=thumb"
    kept = await objects.get(object_key(reference, photo, "thumb"))
    for team in (TEAM, "operators"):
        await signed_in(routing, team)
        answer = await routing.client.get(thumb)
        assert answer.status_code == 200, (team, answer.text)
        assert answer.content == kept and answer.headers["content-type"] == "image/png"
        assert "no-store" in answer.headers["cache-control"]
        full = await routing.client.get(f"{base(reference)}{photo}")
        assert full.status_code == 200 and len(full.content) > len(kept)
    await signed_in(routing, "electricity")
    refused = await routing.client.get(thumb)
    assert refused.status_code == 403 and "no-store" in refused.headers["cache-control"]
    routing.client.cookies.clear()
    away = await routing.client.get(thumb)
    assert away.status_code == 303 and away.headers["location"] == "/queue/sign-in"
    assert away.headers["cache-control"] == "private, no-store"  # refusals too


async def test_the_request_page_shows_thumbnails_linked_to_full_size_and_documents_to_read(
    routing: Routing, objects: ObjectStore
) -> None:
    reference = await logged(routing, "water", "Burst pipe in the yard")
    photos = [await attach(routing, objects, reference, color=c) for c in ("red", "blue")]
    paper = await attach(routing, objects, reference, kind="document")
    await signed_in(routing, TEAM)
    page = (await routing.client.get(f"/queue/requests/{reference}")).text
    images = re.findall(r'<a href="([^"]+)"><img src="([^"]+)" alt="([^"]+)"', page)
    assert [(a, i) for a, i, _ in images] == [
        (f"{base(reference)}{p}", f"{base(reference)}{p}?size=thumb") for p in photos
    ]
    assert all(alt.startswith("Photo") for _, _, alt in images)
    assert f'action="{base(reference)}{paper}"' in page and 'name="reason"' in page
    assert page.count("Make photo") == 2 and "no face, number plate or paper in it" in page
    await signed_in(routing, "operators")  # operators see them, but do not publish
    page = (await routing.client.get(f"/queue/requests/{reference}")).text
    assert page.count("?size=thumb") == 2 and "Make photo" not in page


async def test_a_document_is_read_only_with_a_reason_which_the_audit_keeps(
    routing: Routing, objects: ObjectStore
) -> None:
    reference = await logged(routing, "water", "Rebate: affidavit attached")
    paper = await attach(routing, objects, reference, kind="document")
    await signed_in(routing, TEAM)
    bare = await routing.client.get(f"{base(reference)}{paper}")
    assert bare.status_code == 422 and "reason" in bare.text
    personal = await routing.client.get(
        f"{base(reference)}{paper}", params={"reason": "resident 0825550199 asked"}
    )
    assert personal.status_code == 422 and "phone, ID and account numbers" in personal.text
    assert (await routing.client.get(f"{base(reference)}{paper}?size=thumb")).status_code == 404
    read = await routing.client.get(
        f"{base(reference)}{paper}", params={"reason": "checking the rebate affidavit"}
    )
    assert read.status_code == 200, read.text
    assert read.content.startswith(b"%PDF") and "no-store" in read.headers["cache-control"]
    async with routing.app.state.db.reading() as conn:
        rows = (await conn.execute(select(store.audit))).all()
    documents = [r for r in rows if r.action == "read document"]
    assert [(r.caller, r.reason) for r in documents] == [(TEAM, "checking the rebate affidavit")]
    assert reference in documents[0].subject


async def test_only_the_department_makes_a_photo_public_once_and_never_a_document(
    routing: Routing, objects: ObjectStore, bus: FakePublisher
) -> None:
    reference = await logged(routing, "water", "Burst pipe in the yard")
    photo = await attach(routing, objects, reference)
    paper = await attach(routing, objects, reference, kind="document")
    api = f"/v1/requests/{reference}/attachments"
    other = await routing.client.post(
        f"{api}/{photo}/public", headers=await routing.auth("electricity")
    )
    assert other.status_code == 403
    refused = await routing.client.post(f"{api}/{paper}/public", headers=await routing.auth(TEAM))
    assert refused.status_code == 409 and "never made public" in refused.text
    for _ in range(2):
        done = await routing.client.post(f"{api}/{photo}/public", headers=await routing.auth(TEAM))
        assert done.status_code == 200 and done.json()["public"] is True
    published = await made_public(routing, bus)
    assert published == [
        {
            "reference": reference,
            "attachment_id": photo,
            "department": TEAM,
            "made_public_at": published[0]["made_public_at"],
        }
    ]


async def test_the_page_makes_a_photo_public_after_the_confirmation_only(
    routing: Routing, objects: ObjectStore, bus: FakePublisher
) -> None:
    reference = await logged(routing, "water", "Burst pipe in the yard")
    photo = await attach(routing, objects, reference)
    action = f"{base(reference)}{photo}/public"
    csrf = await signed_in(routing, "operators")
    assert (
        await routing.client.post(action, data={"csrf": csrf, "confirm": "yes"})
    ).status_code == 403
    csrf = await signed_in(routing, TEAM)
    unsure = await routing.client.post(action, data={"csrf": csrf})
    assert unsure.status_code == 422 and "number plate" in unsure.text
    assert f'<a href="/queue/requests/{reference}">Back to the request</a>' in unsure.text
    assert await made_public(routing, bus) == []
    done = await routing.client.post(action, data={"csrf": csrf, "confirm": "yes"})
    assert done.status_code == 303
    page = (await routing.client.get(done.headers["location"])).text
    assert "Made public" in page and "Public since" in page and "Make photo" not in page
    assert len(await made_public(routing, bus)) == 1


async def test_an_attachment_told_twice_is_kept_once(
    routing: Routing, objects: ObjectStore
) -> None:
    """The same event again (the inbox), and a new event of the same attachment (the row's
    key): one row, and nothing dead-lettered."""
    reference = await logged(routing, "water", "Burst pipe in the yard")
    await attach(routing, objects, reference, times=3)
    async with routing.app.state.db.reading() as conn:
        one = await conn.scalar(select(func.count()).select_from(attachments))
    assert one == 1
    registry = routing.app.state.registry
    assert not registry.get_sample_value("mo_routing_deadletters_total", {"consumer": "routing"})


async def test_an_erasure_forgets_the_residents_attachments(
    routing: Routing, objects: ObjectStore
) -> None:
    """Intake deletes the objects; routing forgets them, so the page shows no photo that is
    gone. Another request's photo stays."""
    erased = await logged(routing, "water", "Leak at the gate")
    kept = await logged(routing, "water", "Leak at the school")
    for reference in (erased, kept):
        await attach(routing, objects, reference)
    answer = ErasureAnswered(
        request_id="privacy-1",
        service="notifications",
        references=[erased],
        answered_at=dt.datetime.now(dt.UTC),
    )
    event = new_event(answer, source("notifications"), answer.request_id, answer.answered_at)
    await routing.app.state.broker.publish(
        event.to_bytes(),
        privacy_answers("notifications"),
        key=event.key,
        headers={"content-type": CONTENT_TYPE},
    )
    await signed_in(routing, TEAM)
    assert "size=thumb" not in (await routing.client.get(f"/queue/requests/{erased}")).text
    assert "size=thumb" in (await routing.client.get(f"/queue/requests/{kept}")).text
