"""Applications through intake's API: the catalogue it offers (GET /v1/services), the
answers it checks (a 422 naming `answers.<code>`), the warnings it gives and what it keeps."""

import csv
import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from services.intake.store import metadata
from shared.contracts.requests import RequestLogged
from shared.events import parse_event
from shared.topics import REQUESTS_LOGGED
from tests.support.fakes import FakePublisher
from tests.support.intake import Intake, request_body, running_intake

ID_NUMBER = "5001015009087"
INDIGENT: dict[str, Any] = {
    "erf_number": "12345",
    "owns_one_property": True,
    "lives_in_property": True,
    "household_income": 3200,
    "household_size": 4,
    "employment": "pensioner",
    "age": 67,
    "id_number": ID_NUMBER,
}


@pytest.fixture
def publisher() -> FakePublisher:
    return FakePublisher()


@pytest.fixture
async def intake(tmp_path: Path, publisher: FakePublisher) -> AsyncIterator[Intake]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'intake.db'}"
    async with running_intake(url, publisher=publisher) as running:
        yield running


def application(service: str = "indigent-support", **answers: Any) -> dict[str, Any]:
    body = request_body(description="Applies for indigent support")
    del body["category"]
    return {**body, "service": service, "answers": {**INDIGENT, **answers}}


def words_of(service: dict[str, Any]) -> list[dict[str, str]]:
    """Every text of a service a resident or an agent reads."""
    found = [service["name"]]
    for question in service["questions"]:
        found += [question["label"], *[v["name"] for v in question["values"]]]
        found += [question["help"]] if question["help"] else []
    for document in service["documents"]:
        found += [document["name"], *[a["name"] for a in document["alternatives"]]]
    found += [w["message"] for w in service["warnings"]]
    return found + [r["name"] for r in service["decline_reasons"]]


async def test_the_catalogue_has_a_report_per_category_and_the_applications(
    intake: Intake,
) -> None:
    response = await intake.client.get("/v1/services", params={"limit": 200})
    assert response.status_code == 200
    services = {s["code"]: s for s in response.json()}
    categories = (await intake.client.get("/v1/categories")).json()
    for category in categories:
        assert services[category["code"]]["kind"] == "report"
        assert services[category["code"]]["department"] == category["department"]
    applications = {c for c, s in services.items() if s["kind"] == "application"}
    assert {
        "rates-rebate-seniors",
        "indigent-support",
        "bin-stolen",
        "bin-damaged",
        "electricity-supply",
        "water-connection",
    } <= applications
    for code in applications:
        assert services[code]["decline_reasons"], code
        assert any(d["required"] for d in services[code]["documents"]) or code == "bin-damaged"
    for service in services.values():
        for words in words_of(service):
            assert set(words) == {"en", "af", "xh"} and all(words.values()), service["code"]


async def test_one_service_by_its_code(intake: Intake) -> None:
    found = await intake.client.get("/v1/services/indigent-support")
    assert found.status_code == 200
    papers = {d["code"]: d for d in found.json()["documents"]}
    assert [a["code"] for a in papers["bank_statements"]["alternatives"]] == [
        "affidavit_no_bank_account"
    ]
    assert found.json()["valid_for_months"] == 12
    missing = await intake.client.get("/v1/services/no-such-thing")
    assert missing.status_code == 404
    assert "GET /v1/services" in missing.text


async def test_an_application_is_logged_in_its_category(intake: Intake) -> None:
    response = await intake.post(application())
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["service"], body["category"], body["warnings"]) == (
        "indigent-support",
        "accounts",
        [],
    )


async def test_an_ineligible_answer_is_accepted_with_a_warning_in_three_languages(
    intake: Intake,
) -> None:
    body = application(household_income=9000, owns_one_property=False)
    response = await intake.post(body, **{"Idempotency-Key": "warned-once"})
    assert response.status_code == 201, response.text
    warnings = {w["code"]: w["message"] for w in response.json()["warnings"]}
    assert set(warnings) == {"income_over_limit", "more_than_one_property"}
    assert "R7,500" in warnings["income_over_limit"]["en"]
    assert all(set(m) == {"en", "af", "xh"} for m in warnings.values())
    again = await intake.post(body, **{"Idempotency-Key": "warned-once"})
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == response.json()  # the retry hears the same warnings


async def test_a_report_is_still_logged_by_its_category_alone(intake: Intake) -> None:
    response = await intake.post(request_body(category="bins"))
    assert response.status_code == 201
    assert (response.json()["service"], response.json()["warnings"]) == ("bins", [])


@pytest.mark.parametrize(
    ("service", "answers", "field"),
    [
        ("indigent-support", {"household_income": None}, "answers.household_income"),
        ("indigent-support", {"pets": 2}, "answers.pets"),
        ("indigent-support", {"owns_one_property": "yes"}, "answers.owns_one_property"),
        ("indigent-support", {"household_income": "a lot"}, "answers.household_income"),
        ("indigent-support", {"household_size": 0}, "answers.household_size"),
        ("indigent-support", {"id_number": "50010150"}, "answers.id_number"),
        ("indigent-support", {"erf_number": "  "}, "answers.erf_number"),
        ("indigent-support", {"employment": "astronaut"}, "answers.employment"),
        ("indigent-support", {"employment": ["pensioner"]}, "answers.employment"),
    ],
)
async def test_a_wrong_answer_is_a_422_naming_it(
    intake: Intake, service: str, answers: dict[str, Any], field: str
) -> None:
    body = application(service, **answers)
    body["answers"] = {k: v for k, v in body["answers"].items() if v is not None}
    response = await intake.post(body)
    assert response.status_code == 422, response.text
    assert field in response.text


async def test_a_list_answer_takes_known_keys_once(intake: Intake) -> None:
    body = application("bin-damaged")
    body["answers"] = {"damage": ["lid", "wheels"], "owner_or_tenant": "tenant"}
    assert (await intake.post(body)).status_code == 201
    for damage in (["lid", "lid"], ["roof"], [], "lid"):
        body["answers"]["damage"] = damage
        response = await intake.post(body)
        assert response.status_code == 422, damage
        assert "answers.damage" in response.text


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"service": "no-such-service"}, "service"),
        ({"category": "water"}, "category"),  # indigent support is an accounts service
        ({"service": "bin-stolen", "account_number": None}, "account_number"),
    ],
)
async def test_a_service_that_cannot_be_used_is_a_422_naming_it(
    intake: Intake, change: dict[str, Any], field: str
) -> None:
    body = {**application(), **change}
    if change.get("service") == "bin-stolen":
        body["answers"] = {"owner_or_tenant": "owner"}
    response = await intake.post({k: v for k, v in body.items() if v is not None})
    assert response.status_code == 422, response.text
    assert field in response.text


async def test_a_fault_report_takes_no_answers(intake: Intake) -> None:
    response = await intake.post(request_body(category="water", answers={"erf_number": "1"}))
    assert response.status_code == 422
    assert "answers.erf_number" in response.text


async def test_neither_category_nor_service_is_a_422(intake: Intake) -> None:
    body = request_body()
    del body["category"]
    response = await intake.post(body)
    assert response.status_code == 422
    assert "GET /v1/services" in response.text or "/v1/services" in response.text


async def test_intake_hands_the_answers_on_and_keeps_only_the_service(
    intake: Intake, publisher: FakePublisher
) -> None:
    papers = {"id_document": "seen", "affidavit_no_bank_account": "will_bring"}
    logged = await intake.post({**application(), "papers": papers})
    await intake.drain_outbox()
    [message] = [m for m in publisher.sent if m.topic == REQUESTS_LOGGED]
    event = parse_event(message.value).data_as(RequestLogged)
    assert (event.service, event.answers, event.papers) == ("indigent-support", INDIGENT, papers)
    async with intake.app.state.db.reading() as conn:
        for table in metadata.sorted_tables:
            dump = repr((await conn.execute(table.select())).all())
            assert ID_NUMBER not in dump, table.name
        rows = (await conn.execute(metadata.tables["requests"].select())).all()
    assert [(r.reference, r.service) for r in rows] == [
        (logged.json()["reference"], "indigent-support")
    ]


@pytest.mark.parametrize(
    ("papers", "field"),
    [
        ({"birth_certificate": "seen"}, "papers.birth_certificate"),
        ({"household_income": "seen"}, "papers.household_income"),  # a question, not a paper
        ({"id_document": "lost"}, "papers.id_document"),
    ],
)
async def test_a_paper_the_service_does_not_ask_for_is_a_422(
    intake: Intake, papers: dict[str, str], field: str
) -> None:
    response = await intake.post({**application(), "papers": papers})
    assert response.status_code == 422, response.text
    assert field in response.text


async def test_the_open_data_file_names_an_applications_type_and_never_its_answers(
    intake: Intake,
) -> None:
    await intake.post(application())
    await intake.post(request_body(category="water"))
    answer = await intake.client.get("/v1/open-data/requests.csv")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert sorted(r["service_subtype"] for r in rows) == ["", "indigent-support"]
    assert ID_NUMBER not in answer.text and "3200" not in answer.text
