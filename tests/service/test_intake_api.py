"""Intake's HTTP behaviour on a real SQLite store with an in-memory bus."""

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from services.intake import store
from services.intake.store import metadata
from shared import credentials
from shared.credentials import Role
from shared.events import parse_event
from shared.reference import new_reference, parse
from tests.support.fakes import FakePublisher
from tests.support.intake import Intake, request_body, running_intake
from tests.support.tokens import issue


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
    services = await intake.client.get("/v1/services")
    # the field app keeps the version: one for the categories and the services they offer
    assert response.headers["Catalogue-Version"] == services.headers["Catalogue-Version"]
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
    token = await issue(intake.app.state.db, store.credentials, name, Role.FIELD_AGENT)
    await credentials.revoke(intake.app.state.db, store.credentials, name, now=datetime.now(UTC))
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


async def test_idempotency_keys_are_forgotten_after_a_day(tmp_path: Path) -> None:
    import datetime as dt

    now = [dt.datetime(2026, 12, 8, 8, 0, tzinfo=dt.UTC)]
    async with running_intake(
        f"sqlite+aiosqlite:///{tmp_path / 'i.db'}", publisher=FakePublisher(), clock=lambda: now[0]
    ) as intake:
        body = request_body()
        first = await intake.post(body, **{"Idempotency-Key": "day-1"})
        purge = intake.app.state.purger.run_once
        now[0] += dt.timedelta(hours=23)
        assert (await purge())["idempotency_keys"] == 0
        assert (await intake.post(body, **{"Idempotency-Key": "day-1"})).json() == first.json()
        now[0] += dt.timedelta(hours=2)
        assert (await purge())["idempotency_keys"] == 1
        later = await intake.post(body, **{"Idempotency-Key": "day-1"})
    assert later.status_code == 201
    assert later.json()["reference"] != first.json()["reference"]  # a new request, after a day
