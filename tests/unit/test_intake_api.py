"""Intake's HTTP behaviour on a real SQLite store with an in-memory bus."""

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from services.intake import store
from services.intake.handlers import forget_idempotency_keys
from services.intake.store import metadata
from shared import credentials
from shared.contracts.requests import RequestLogged
from shared.events import CONTENT_TYPE, parse_event
from shared.reference import damm_digit, new_reference, parse
from shared.topics import REQUESTS_LOGGED, EventType
from tests.support.fakes import FakePublisher
from tests.support.intake import RESIDENT, Intake, request_body, running_intake


@pytest.fixture
def publisher() -> FakePublisher:
    return FakePublisher()


@pytest.fixture
async def intake(tmp_path: Path, publisher: FakePublisher) -> AsyncIterator[Intake]:
    async with running_intake(
        f"sqlite+aiosqlite:///{tmp_path / 'intake.db'}", publisher=publisher
    ) as running:
        yield running


async def test_logging_a_request_answers_201_with_a_valid_reference(intake: Intake) -> None:
    response = await intake.post(request_body(category="bins"))
    assert response.status_code == 201
    body = response.json()
    assert parse(body["reference"]) == body["reference"]
    assert body["status"] == "logged"
    assert body["category"] == "bins"
    assert body["created_at"].endswith(("Z", "+00:00"))


async def test_the_logged_event_is_a_cloudevent_keyed_by_reference(
    intake: Intake, publisher: FakePublisher
) -> None:
    reference = (await intake.post(request_body())).json()["reference"]
    await intake.drain_outbox()
    [message] = [m for m in publisher.sent if m.key == reference.encode()]
    assert message.topic == REQUESTS_LOGGED
    assert message.headers["content-type"] == CONTENT_TYPE.encode()
    event = parse_event(message.value)
    assert event.type == EventType.REQUEST_LOGGED
    assert event.source == "/mobileoffice/intake"
    assert event.subject == reference
    data = event.data_as(RequestLogged)
    assert data.resident is not None and data.resident.phone == "+27825550199"
    assert data.location.community == "Khayelitsha"


async def test_follow_up_shows_the_public_view_without_personal_information(
    intake: Intake,
) -> None:
    reference = (await intake.post(request_body())).json()["reference"]
    spaced = f"{reference[:3]} {reference[3:6]} {reference[6:]}"
    response = await intake.client.get(f"/v1/requests/{spaced}")
    assert response.status_code == 200
    view = response.json()
    assert view["reference"] == reference
    assert view["status"] == "logged" and view["department"] is None
    assert [h["status"] for h in view["history"]] == ["logged"]
    text = response.text
    for personal in ("Nomsa", "Dlamini", "825550199", "example.org", "123456789"):
        assert personal not in text


async def test_no_personal_information_in_logs_or_metrics(
    intake: Intake, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await intake.post(request_body())
    await intake.post(request_body(resident={"phone": "12"}))  # a refusal must not echo it
    await intake.drain_outbox()
    metrics = (await intake.client.get("/metrics")).text
    assert "mo_intake_requests_logged_total" in metrics
    for personal in ("Nomsa", "Dlamini", "825550199", "555 0199", "example.org"):
        assert personal not in caplog.text
        assert personal not in metrics


async def test_the_store_keeps_no_personal_information_once_relayed(intake: Intake) -> None:
    await intake.post(request_body())
    await intake.drain_outbox()
    async with intake.app.state.db.reading() as conn:
        for table in metadata.sorted_tables:
            dump = repr((await conn.execute(table.select())).all())
            for personal in ("Nomsa", "825550199", "example.org", "123456789"):
                assert personal not in dump, table.name


async def test_categories_list_every_code_in_three_languages(intake: Intake) -> None:
    response = await intake.client.get("/v1/categories")
    assert response.status_code == 200
    categories = {c["code"]: c for c in response.json()}
    assert set(categories) == {
        "accounts",
        "water",
        "electricity",
        "sewage",
        "refuse-collection",
        "bins",
        "pensioner-rebates",
        "parks",
        "illegal-dumping",
        "valuations",
        "roads-stormwater",
    }
    assert categories["water"]["department"] == "water-and-sanitation"
    assert all(set(c["name"]) == {"en", "af", "xh"} for c in categories.values())


async def test_unknown_and_malformed_references(intake: Intake) -> None:
    unknown = "123456789" + str(damm_digit("123456789"))
    assert (await intake.client.get(f"/v1/requests/{unknown}")).status_code == 404
    bad_check = unknown[:9] + str((int(unknown[9]) + 1) % 10)
    response = await intake.client.get(f"/v1/requests/{bad_check}")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_reference"
    assert "typing error" in response.json()["error"]["message"]


async def test_same_idempotency_key_same_body_returns_the_same_reference_once(
    intake: Intake, publisher: FakePublisher
) -> None:
    body = request_body()
    first = await intake.post(body, **{"Idempotency-Key": "tablet-7-0001"})
    again = await intake.post(body, **{"Idempotency-Key": "tablet-7-0001"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again.headers.get("Idempotent-Replayed") == "true"
    await intake.drain_outbox()
    keys = [m.key for m in publisher.sent]
    assert keys.count(first.json()["reference"].encode()) == 1


async def test_same_idempotency_key_with_another_body_is_refused(intake: Intake) -> None:
    await intake.post(request_body(), **{"Idempotency-Key": "k-1"})
    response = await intake.post(request_body(category="parks"), **{"Idempotency-Key": "k-1"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert "Idempotency-Key" in response.json()["error"]["fields"]


async def test_concurrent_retries_with_one_key_log_one_request(
    intake: Intake, publisher: FakePublisher
) -> None:
    body = request_body()
    responses = await asyncio.gather(
        *(intake.post(body, **{"Idempotency-Key": "burst"}) for _ in range(8))
    )
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["reference"] for r in responses}) == 1
    await intake.drain_outbox()
    assert len(publisher.sent) == 1


async def test_references_stay_unique_under_concurrent_requests(intake: Intake) -> None:
    responses = await asyncio.gather(*(intake.post(request_body()) for _ in range(150)))
    assert all(r.status_code == 201 for r in responses)
    references = [r.json()["reference"] for r in responses]
    assert len(set(references)) == 150


async def test_a_reference_collision_is_retried_with_a_new_number(tmp_path: Path) -> None:
    taken = new_reference()
    fresh = new_reference()
    sequence = iter([taken, taken, fresh])
    async with running_intake(
        f"sqlite+aiosqlite:///{tmp_path / 'i.db'}",
        publisher=FakePublisher(),
        reference_generator=lambda: next(sequence),
    ) as intake:
        first = await intake.post(request_body())
        second = await intake.post(request_body())
    assert first.json()["reference"] == taken
    assert second.json()["reference"] == fresh


async def test_missing_unknown_and_revoked_tokens(intake: Intake) -> None:
    no_token = await intake.client.post("/v1/requests", json=request_body())
    assert no_token.status_code == 401
    assert no_token.headers["WWW-Authenticate"] == "Bearer"
    wrong = await intake.client.post(
        "/v1/requests", json=request_body(), headers={"Authorization": "Bearer nope"}
    )
    assert wrong.status_code == 401
    name = "revoked-agent"
    token = await credentials.issue(intake.app.state.db, store.credentials, name)
    await credentials.revoke(intake.app.state.db, store.credentials, name)
    revoked = await intake.client.post(
        "/v1/requests", json=request_body(), headers={"Authorization": f"Bearer {token}"}
    )
    assert revoked.status_code == 403
    assert revoked.json()["error"]["code"] == "revoked"


async def test_the_agent_is_recorded_on_the_request(
    intake: Intake, publisher: FakePublisher
) -> None:
    reference = (await intake.post(request_body())).json()["reference"]
    await intake.drain_outbox()
    [message] = [m for m in publisher.sent if m.key == reference.encode()]
    assert parse_event(message.value).data["agent"].startswith("agent-")


async def test_a_broker_outage_delays_but_never_loses_the_event(
    intake: Intake, publisher: FakePublisher
) -> None:
    publisher.down = True
    reference = (await intake.post(request_body())).json()["reference"]
    with pytest.raises(ConnectionError):
        await intake.drain_outbox()
    assert not publisher.sent
    ready = await intake.client.get("/readyz")
    assert ready.status_code == 503 and ready.json()["checks"]["broker"] == "unavailable"
    publisher.down = False
    await intake.drain_outbox()
    assert [m.key for m in publisher.sent] == [reference.encode()]


# Each wrong field is named in the error's `fields`.
FIELD_CASES = [
    ({"category": "potholes"}, "category"),
    ({"description": ""}, "description"),
    ({"description": "x" * 2001}, "description"),
    ({"location": {"area": "west", "community": "Atlantis"}}, "location.area"),
    ({"location": {"area": "north"}}, "location.community"),
    ({"location": {"area": "north", "community": "Atlantis", "lat": 91}}, "location.lat"),
    ({"location": {"area": "north", "community": "Atlantis", "lon": -181}}, "location.lon"),
    ({"resident": {**RESIDENT, "phone": "12345"}}, "resident.phone"),
    ({"resident": {**RESIDENT, "phone": "+4420794600"}}, "resident.phone"),
    ({"resident": {**RESIDENT, "email": "not-an-address"}}, "resident.email"),
    ({"resident": {**RESIDENT, "language": "zu"}}, "resident.language"),
    ({"resident": {**RESIDENT, "updates_by": "fax"}}, "resident.updates_by"),
    ({"resident": {"updates_by": "sms"}}, "resident"),
    ({"resident": {"updates_by": "email", "phone": "0821234567"}}, "resident"),
    ({"resident": {**RESIDENT, "nickname": "N"}}, "resident.nickname"),
    ({"account_number": "ABC"}, "account_number"),
    ({"visit_id": ""}, "visit_id"),
    ({"surprise": 1}, "surprise"),
    ({"category": None}, "category"),
    ({"location": "Khayelitsha"}, "location"),
    ({"description": "pipe\u0000burst"}, "description"),
    ({"location": {"area": "east", "community": "Khaye\nlitsha"}}, "location.community"),
]


@pytest.mark.parametrize(("change", "field"), FIELD_CASES)
async def test_each_wrong_field_is_named(intake: Intake, change: dict, field: str) -> None:
    response = await intake.post(request_body(**change))
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert field in error["fields"], error
    assert field in error["message"]


async def test_several_wrong_fields_are_all_named(intake: Intake) -> None:
    response = await intake.post({"category": "x", "location": {"area": "y"}})
    fields = response.json()["error"]["fields"]
    assert {"category", "description", "location.area", "location.community"} <= set(fields)


def _raw(content: bytes | str, content_type: str = "application/json") -> dict:
    return {"content": content, "headers": {"Content-Type": content_type}}


# At least 25 malformed bodies and headers: each a 4xx JSON error, never a 500.
MALFORMED = [
    _raw(b"{"),
    _raw(b""),
    _raw(b"null"),
    _raw(b"[]"),
    _raw(b"42"),
    _raw(b'"a string"'),
    _raw(b"\xff\xfe\x00garbage"),
    _raw(json.dumps(request_body()), "text/plain"),
    _raw("category=water", "application/x-www-form-urlencoded"),
    _raw(json.dumps({"category": ["water"]})),
    _raw(json.dumps({**request_body(), "description": {"nested": True}})),
    _raw(json.dumps({**request_body(), "location": None})),
    _raw(json.dumps({**request_body(), "resident": []})),
    _raw(json.dumps({**request_body(), "resident": {"phone": 821234567}})),
    _raw(json.dumps({**request_body(), "location": {"area": 1, "community": 2}})),
    _raw(
        json.dumps(
            {**request_body(), "location": {"area": "east", "community": "K", "lat": "north"}}
        )
    ),
    _raw(
        json.dumps(
            {**request_body(), "location": {"area": "east", "community": "K", "lat": float("nan")}}
        )
    ),
    _raw(b'{"category": "water", "category": 5}'),
    _raw(json.dumps(request_body()) + " trailing"),
    _raw(b"x" * 70_000),
    _raw(json.dumps({**request_body(), "description": "\u0000"})),
    _raw(json.dumps({**request_body(), "location": {"area": "east", "community": "x" * 101}})),
]
BAD_HEADERS = [
    {"Authorization": "Basic dXNlcjpwYXNz"},
    {"Authorization": "Bearer"},
    {"Authorization": "Bearer " + "a" * 5000},
    {"Idempotency-Key": "k" * 256},
    {"Idempotency-Key": ""},
    {"Content-Length": "abc"},
]


@pytest.mark.parametrize("raw", MALFORMED, ids=range(len(MALFORMED)))
async def test_malformed_bodies_get_a_json_4xx_and_the_service_stays_ready(
    intake: Intake, raw: dict
) -> None:
    response = await intake.client.post(
        "/v1/requests", content=raw["content"], headers={**intake.auth, **raw["headers"]}
    )
    assert 400 <= response.status_code < 500, response.text
    assert set(response.json()["error"]) == {"code", "message", "fields"}
    assert (await intake.client.get("/readyz")).status_code == 200


@pytest.mark.parametrize("headers", BAD_HEADERS, ids=range(len(BAD_HEADERS)))
async def test_malformed_headers_get_a_json_4xx_and_the_service_stays_ready(
    intake: Intake, headers: dict
) -> None:
    merged = {**intake.auth, **headers}
    response = await intake.client.post("/v1/requests", json=request_body(), headers=merged)
    assert 400 <= response.status_code < 500, response.text
    assert set(response.json()["error"]) == {"code", "message", "fields"}
    assert (await intake.client.get("/readyz")).status_code == 200


async def test_unknown_paths_and_methods_are_json_errors(intake: Intake) -> None:
    assert (await intake.client.get("/v1/nothing")).json()["error"]["code"] == "not_found"
    response = await intake.client.delete("/v1/categories")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


async def test_a_visit_id_must_be_one_scheduling_announced(intake: Intake) -> None:
    import datetime as dt

    from shared.contracts.visits import VisitScheduled
    from shared.events import new_event
    from shared.topics import VISITS, source

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


async def test_idempotency_keys_are_forgotten_after_a_day(tmp_path: Path) -> None:
    import datetime as dt

    now = [dt.datetime(2026, 12, 8, 8, 0, tzinfo=dt.UTC)]
    async with running_intake(
        f"sqlite+aiosqlite:///{tmp_path / 'i.db'}", publisher=FakePublisher(), clock=lambda: now[0]
    ) as intake:
        body = request_body()
        first = await intake.post(body, **{"Idempotency-Key": "day-1"})
        db, clock = intake.app.state.db, intake.app.state.ports.clock
        now[0] += dt.timedelta(hours=23)
        assert await forget_idempotency_keys(db, clock) == 0
        assert (await intake.post(body, **{"Idempotency-Key": "day-1"})).json() == first.json()
        now[0] += dt.timedelta(hours=2)
        assert await forget_idempotency_keys(db, clock) == 1
        later = await intake.post(body, **{"Idempotency-Key": "day-1"})
    assert later.status_code == 201
    assert later.json()["reference"] != first.json()["reference"]  # a new request, after a day
