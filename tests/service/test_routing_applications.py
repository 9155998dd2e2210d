"""Routing keeps an application's answers for the department that decides it: never on a
department's topic or any other event, and cleared with the request's other words."""

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from services.routing import store
from services.routing.attachments.store import attachments_of
from services.routing.privacy.store import RESIDENT_DETAILS
from services.routing.work.domain import months_after
from shared.clock import CAPE_TOWN
from shared.contracts.requests import AttachmentAdded
from shared.contracts.routing import StatusChanged
from shared.events import CONTENT_TYPE, new_event, parse_event
from shared.retention import deidentify
from shared.topics import (
    REQUESTS_LOGGED,
    REQUESTS_STATUS,
    EventType,
    department_topic,
    source,
)
from tests.support.fakes import FakePublisher
from tests.support.routing import Routing, logged_event, running_routing

ID_NUMBER = "5001015009087"
ANSWERS = {"household_income": 3200, "id_number": ID_NUMBER, "employment": "pensioner"}


@pytest.fixture
def publisher() -> FakePublisher:
    return FakePublisher()


@pytest.fixture
async def routing(tmp_path: Path, publisher: FakePublisher) -> AsyncIterator[Routing]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'r.db'}"
    async with running_routing(url, publisher=publisher) as running:
        yield running


async def test_the_answers_reach_routing_and_no_event_it_publishes(
    routing: Routing, publisher: FakePublisher
) -> None:
    event = logged_event(category="accounts", service="indigent-support", answers=ANSWERS)
    await routing.app.state.broker.publish(
        event.to_bytes(), REQUESTS_LOGGED, key=event.key, headers={"content-type": CONTENT_TYPE}
    )
    await routing.drain_outbox()
    sent = publisher.sent
    assert department_topic("revenue") in {m.topic for m in sent}
    for message in sent:
        assert ID_NUMBER.encode() not in message.value, message.topic
        assert b"household_income" not in message.value, message.topic
    rows = store.requests.c
    async with routing.app.state.db.transaction() as conn:
        kept = (await conn.execute(select(rows.service, rows.answers))).one()
        assert (kept.service, kept.answers) == ("indigent-support", ANSWERS)
        assert await deidentify(conn, RESIDENT_DETAILS, [event.subject]) == 1
        assert (await conn.execute(select(rows.answers))).scalar_one() is None


PAPERS = {"id_document": "seen", "bank_statements": "will_bring"}


async def logged_application(
    routing: Routing, service: str = "indigent-support", category: str = "accounts"
) -> str:
    event = logged_event(category=category, service=service, answers=ANSWERS, papers=PAPERS)
    await routing.app.state.broker.publish(
        event.to_bytes(), REQUESTS_LOGGED, key=event.key, headers={"content-type": CONTENT_TYPE}
    )
    await routing.drain_outbox()
    return event.subject


async def decide(routing: Routing, reference: str, **body: Any) -> httpx.Response:
    return await routing.client.post(
        f"/v1/requests/{reference}/status", json=body, headers=await routing.auth("revenue")
    )


def changes(publisher: FakePublisher, reference: str) -> list[StatusChanged]:
    return [
        parse_event(m.value).data_as(StatusChanged)
        for m in publisher.sent
        if m.topic == REQUESTS_STATUS
        and m.key == reference.encode()
        and parse_event(m.value).type == EventType.REQUEST_STATUS_CHANGED
    ]


async def test_an_application_is_due_in_its_services_decision_days(routing: Routing) -> None:
    reference = await logged_application(routing)
    async with routing.app.state.db.reading() as conn:
        row = (
            await conn.execute(
                select(store.requests.c.due_at, store.requests.c.logged_at).where(
                    store.requests.c.reference == reference
                )
            )
        ).one()
    assert row.due_at - row.logged_at == dt.timedelta(days=30)  # not the category's hours


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "more_information_needed"}, "missing"),
        ({"status": "more_information_needed", "missing": ["birth_certificate"]}, "missing"),
        ({"status": "declined"}, "reason"),
        ({"status": "declined", "reason": "not_a_reason"}, "reason"),
        ({"status": "in_progress", "missing": ["bank_statements"]}, "missing"),
        ({"status": "declined", "reason": "papers_missing", "valid_until": "2030-01-01"}, "valid"),
    ],
)
async def test_a_decision_that_does_not_fit_is_a_422_naming_the_field(
    routing: Routing, body: dict[str, Any], field: str
) -> None:
    reference = await logged_application(routing)
    response = await decide(routing, reference, **body)
    assert response.status_code == 422, response.text
    assert field in response.text


async def test_papers_asked_for_then_approved_for_its_months(
    routing: Routing, publisher: FakePublisher
) -> None:
    reference = await logged_application(routing)
    missing = ["bank_statements", "id_document"]
    asked = await decide(routing, reference, status="more_information_needed", missing=missing)
    assert asked.status_code == 202, asked.text
    approved = await decide(routing, reference, status="approved")
    assert approved.status_code == 202, approved.text
    await routing.drain_outbox()
    first, second = changes(publisher, reference)
    assert (first.status, first.missing, first.service) == (
        "more_information_needed",
        missing,
        "indigent-support",
    )
    today = second.changed_at.astimezone(CAPE_TOWN).date()
    assert second.valid_until == months_after(today, 12)  # indigent support: a year
    assert ID_NUMBER.encode() not in b"".join(m.value for m in publisher.sent)


async def test_a_decline_says_why_and_until_when_to_appeal(
    routing: Routing, publisher: FakePublisher
) -> None:
    reference = await logged_application(routing, "rates-rebate-seniors", "pensioner-rebates")
    response = await decide(routing, reference, status="declined", reason="income_over_limit")
    assert response.status_code == 202, response.text
    await routing.drain_outbox()
    [declined] = changes(publisher, reference)
    today = declined.changed_at.astimezone(CAPE_TOWN).date()
    assert declined.decline_reason == "income_over_limit"
    assert declined.appeal_by == today + dt.timedelta(days=30)
    again = await decide(routing, reference, status="in_progress")
    assert again.status_code == 409  # a decision is final here


async def test_only_an_application_is_decided_and_an_application_is_not_resolved(
    routing: Routing,
) -> None:
    report = logged_event(category="accounts")
    await routing.app.state.broker.publish(
        report.to_bytes(), REQUESTS_LOGGED, key=report.key, headers={"content-type": CONTENT_TYPE}
    )
    refused = await decide(routing, report.subject, status="approved")
    assert refused.status_code == 409 and "only an application" in refused.text
    application = await logged_application(routing)
    resolved = await decide(routing, application, status="resolved", cause="fixed")
    assert resolved.status_code == 409 and "not resolved" in resolved.text


async def test_the_papers_noted_and_photographed_are_kept_for_the_checklist(
    routing: Routing,
) -> None:
    reference = await logged_application(routing)
    photo = AttachmentAdded(
        reference=reference,
        attachment_id="a" * 36,
        kind="document",
        content_type="image/jpeg",
        bytes=1000,
        sha256="0" * 64,
        added_at=dt.datetime.now(dt.UTC),
        document="bank_statements",
    )
    event = new_event(photo, source("intake"), reference, photo.added_at)
    await routing.app.state.broker.publish(
        event.to_bytes(), REQUESTS_LOGGED, key=event.key, headers={"content-type": CONTENT_TYPE}
    )
    async with routing.app.state.db.reading() as conn:
        found = await store.find_request(conn, reference)
        [kept] = await attachments_of(conn, reference)
    assert found is not None and found.papers == PAPERS
    assert (kept.kind, kept.document) == ("document", "bank_statements")


async def test_the_standards_count_applications_apart_by_outcome(routing: Routing) -> None:
    report = logged_event(category="accounts")
    await routing.app.state.broker.publish(
        report.to_bytes(), REQUESTS_LOGGED, key=report.key, headers={"content-type": CONTENT_TYPE}
    )
    approved, declined = await logged_application(routing), await logged_application(routing)
    assert (await decide(routing, approved, status="approved")).status_code == 202
    refused = await decide(routing, declined, status="declined", reason="papers_missing")
    assert refused.status_code == 202
    month = dt.datetime.now(CAPE_TOWN).strftime("%Y-%m")
    rows = (await routing.client.get("/v1/standards", params={"month": month})).json()
    mine = {(r["category"], r["service"]): r for r in rows if r["department"] == "revenue"}
    assert mine[("accounts", None)]["received"] == 1
    assert mine[("accounts", None)]["outcomes"] == {}
    applications = mine[("accounts", "indigent-support")]
    assert applications["received"] == 2
    assert applications["outcomes"] == {"approved": 1, "declined": 1, "withdrawn": 0}
    assert applications["resolved_within"] == 2  # decided well within 30 days
