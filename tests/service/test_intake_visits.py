"""The visits scheduling announced, as intake keeps them: a request may name only one of them,
and the field app lists them from intake (one origin)."""

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from shared.clock import CAPE_TOWN
from shared.contracts.requests import RequestLogged
from shared.contracts.visits import VisitCancelled, VisitChanged, VisitScheduled
from shared.events import CONTENT_TYPE, new_event, parse_event
from shared.topics import REQUESTS_LOGGED, VISITS, source
from tests.support.fakes import FakePublisher
from tests.support.intake import Intake, request_body, running_intake


@pytest.fixture
async def intake(tmp_path: Path) -> AsyncIterator[Intake]:
    async with running_intake(
        f"sqlite+aiosqlite:///{tmp_path / 'intake.db'}", publisher=FakePublisher()
    ) as running:
        yield running


async def test_a_visit_id_must_be_one_scheduling_announced(intake: Intake) -> None:
    unknown = await intake.post(request_body(visit_id="2026-12-08-khayelitsha"))
    assert unknown.status_code == 422
    assert "visit_id" in unknown.json()["error"]["fields"]

    start = dt.datetime(2026, 12, 8, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    data = VisitScheduled(
        visit_id="2026-12-08-khayelitsha",
        area="east",
        community="Khayelitsha",
        venue="Khayelitsha Library",
        date=start.date(),
        starts_at=start,
        ends_at=start + dt.timedelta(hours=4),
        team="mobile-office-1",
    )
    event = new_event(data, source("scheduling"), data.visit_id, start)
    await intake.app.state.broker.publish(
        event.to_bytes(), VISITS, key=event.key, headers={"content-type": CONTENT_TYPE}
    )
    known = await intake.post(request_body(visit_id="2026-12-08-khayelitsha"))
    assert known.status_code == 201


async def test_visits_are_served_as_scheduling_announced_them(intake: Intake) -> None:
    start = dt.datetime(2026, 12, 8, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    fields = {"area": "east", "venue": "Library", "team": "mobile-office-1"}
    planned = [
        VisitScheduled(
            visit_id=f"2026-12-{8 + i:02d}-{name.lower()}",
            community=name,
            date=(start + dt.timedelta(days=i)).date(),
            starts_at=start + dt.timedelta(days=i),
            ends_at=start + dt.timedelta(days=i, hours=4),
            **fields,
        )
        for i, name in enumerate(("Khayelitsha", "Delft", "Mfuleni"))
    ]
    moved = VisitChanged(
        **{**planned[1].model_dump(), "date": dt.date(2026, 12, 11)},
        previous_date=planned[1].date,
    )
    moved = moved.model_copy(
        update={
            "starts_at": planned[1].starts_at + dt.timedelta(days=2),
            "ends_at": planned[1].ends_at + dt.timedelta(days=2),
        }
    )
    cancelled = VisitCancelled(
        visit_id=planned[2].visit_id, area="east", community="Mfuleni", venue="Library",
        date=planned[2].date, reason="flooded",
    )  # fmt: skip
    announced: list[VisitScheduled | VisitCancelled] = [*planned, moved, cancelled]
    for data in announced:
        event = new_event(data, source("scheduling"), data.visit_id, start)
        await intake.app.state.broker.publish(
            event.to_bytes(), VISITS, key=event.key, headers={"content-type": CONTENT_TYPE}
        )
    listed = (await intake.client.get("/v1/visits?from=2026-12-08")).json()
    assert [(v["community"], v["date"], v["status"]) for v in listed] == [
        ("Khayelitsha", "2026-12-08", "scheduled"),
        ("Mfuleni", "2026-12-10", "cancelled"),
        ("Delft", "2026-12-11", "scheduled"),
    ]
    assert listed[0]["starts_at"] == "2026-12-08T09:30:00+02:00"
    one = await intake.client.get("/v1/visits?community=delft&limit=1")
    assert [v["id"] for v in one.json()] == [planned[1].visit_id]
    refused = await intake.client.get("/v1/visits?from=2026-12-09&to=2026-12-08")
    assert refused.status_code == 422 and "from" in refused.json()["error"]["fields"]
    assert (await intake.post(request_body(visit_id=planned[0].visit_id))).status_code == 201


async def test_a_request_taken_on_paper_at_a_visit_counts_from_when_it_was_reported(
    tmp_path: Path,
) -> None:
    publisher = FakePublisher()
    url = f"sqlite+aiosqlite:///{tmp_path / 'paper.db'}"
    async with running_intake(url, publisher=publisher) as intake:
        yesterday = dt.datetime.now(CAPE_TOWN).replace(hour=9, minute=30, second=0, microsecond=0)
        yesterday -= dt.timedelta(days=1)
        data = VisitScheduled(
            visit_id="yesterday-delft",
            area="east",
            community="Delft",
            venue="Delft Library",
            date=yesterday.date(),
            starts_at=yesterday,
            ends_at=yesterday + dt.timedelta(hours=4),
            team="mobile-office-1",
        )
        event = new_event(data, source("scheduling"), data.visit_id, yesterday)
        await intake.app.state.broker.publish(
            event.to_bytes(), VISITS, key=event.key, headers={"content-type": CONTENT_TYPE}
        )
        at_the_table = yesterday + dt.timedelta(minutes=40)
        body = request_body(visit_id="yesterday-delft", reported_at=at_the_table.isoformat())
        typed_in = await intake.post(body)
        assert typed_in.status_code == 201, typed_in.text
        await intake.drain_outbox()
        [logged] = [parse_event(m.value) for m in publisher.sent if m.topic == REQUESTS_LOGGED]
        assert (
            logged.data_as(RequestLogged).logged_at == at_the_table
        )  # the standard counts from then
        assert logged.data_as(RequestLogged).channel == "visit"  # logged at a visit
        for wrong in (
            {
                "visit_id": "yesterday-delft",
                "reported_at": (at_the_table - dt.timedelta(days=1)).isoformat(),
            },
            {
                "visit_id": "yesterday-delft",
                "reported_at": (at_the_table + dt.timedelta(days=2)).isoformat(),
            },
            {"reported_at": at_the_table.isoformat()},  # which visit?
        ):
            refused = await intake.post(request_body(**wrong))
            assert refused.status_code == 422, wrong
            assert "reported_at" in str(refused.json()["error"]), refused.text
