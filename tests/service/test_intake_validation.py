"""Intake refuses what it cannot use with a JSON 4xx that names what to fix, and stays
ready: every wrong field, malformed bodies and headers, unknown paths and methods."""

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support.fakes import FakePublisher
from tests.support.intake import RESIDENT, Intake, request_body, running_intake


@pytest.fixture
async def intake(tmp_path: Path) -> AsyncIterator[Intake]:
    async with running_intake(
        f"sqlite+aiosqlite:///{tmp_path / 'intake.db'}", publisher=FakePublisher()
    ) as running:
        yield running


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
    (
        {"resident": {"updates_by": "email", "phone": "0821234567", "privacy_notice_given": True}},
        "resident",
    ),
    ({"resident": {**RESIDENT, "nickname": "N"}}, "resident.nickname"),
    ({"account_number": "ABC"}, "account_number"),
    ({"visit_id": ""}, "visit_id"),
    ({"surprise": 1}, "surprise"),
    ({"category": None}, "category"),
    ({"location": "Khayelitsha"}, "location"),
    ({"description": "pipe\u0000burst"}, "description"),
    ({"location": {"area": "east", "community": "Khaye\nlitsha"}}, "location.community"),
    # Other scripts' digits, no number at all, a landline for SMS.
    (
        {
            "resident": {
                **RESIDENT,
                "phone": "0\u0668\u0662\u0665\u0665\u0665\u0660\u0661\u0669\u0669",
            }
        },
        "resident.phone",
    ),
    ({"resident": {**RESIDENT, "phone": "0000000000"}}, "resident.phone"),
    ({"resident": {**RESIDENT, "phone": "021 400 1111"}}, "resident.phone"),
    # Separators and controls that make a line read other than it is.
    ({"location": {"area": "east", "community": "Khaye\u2028litsha"}}, "location.community"),
    ({"location": {"area": "east", "community": "Khaye\u0085litsha"}}, "location.community"),
    ({"description": "pipe burst \u202eenila"}, "description"),
    ({"description": "pipe\u2066burst"}, "description"),
    # What XML 1.0 cannot hold: Open311's requests.xml would not be well-formed.
    ({"location": {"area": "east", "community": "Khaye\ufffelitsha"}}, "location.community"),
    ({"description": "pipe burst\uffff"}, "description"),
    # POPIA s18: no contact details without the privacy notice.
    ({"resident": {**RESIDENT, "privacy_notice_given": False}}, "resident.privacy_notice_given"),
    (
        {"resident": {"email": "a@example.org", "updates_by": "email"}},
        "resident.privacy_notice_given",
    ),
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


async def test_a_lone_surrogate_is_named(intake: Intake) -> None:
    """JSON may escape half a character (`\\ud800`), which no XML can hold."""
    body = json.dumps(request_body(description="pipe \ud800 burst"))  # ASCII, escaped
    headers = {**intake.auth, "content-type": "application/json"}
    response = await intake.client.post("/v1/requests", content=body, headers=headers)
    assert response.status_code == 422, response.text
    assert "description" in response.json()["error"]["fields"]
