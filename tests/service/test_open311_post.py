"""Open311's `POST requests` and `GET tokens`: a partner's form takes the field agent's path
(same validation, a reference, the outbox), answers in both formats to the schema, and every
wrong form is the specification's 400, 403 or 404, never a 500, publishing nothing."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest

from services.intake import store
from services.intake.deps import tool_deps
from services.intake.devices import handlers as devices
from services.intake.devices.handlers import LeaseWanted, PairDevice
from shared.credentials import Role
from tests.support.fakes import FakePublisher
from tests.support.intake import Intake, running_intake
from tests.support.open311 import SCHEMAS, from_xml, xml_shaped
from tests.support.tokens import issue

BASE = "/open311/v2"


@dataclass
class Partner:
    intake: Intake
    key: str
    publisher: FakePublisher

    async def post(
        self, form: dict[str, str], fmt: str = "json", headers: dict[str, str] | None = None
    ) -> httpx.Response:
        url = f"{BASE}/requests.{fmt}"
        return await self.intake.client.post(url, data=form, headers=headers)

    def form(self, **overrides: str) -> dict[str, str]:
        """What FixMyStreet sends for a report, with its own attributes beside ours."""
        sent = {
            "api_key": self.key,
            "service_code": "water",
            "lat": "-34.04123",
            "long": "18.67789",
            "description": "Burst pipe at the corner, water running for two days",
            "first_name": "Nomsa",
            "last_name": "Dlamini",
            "phone": "082 555 0199",
            "email": "nomsa@example.org",
            "attribute[area]": "east",
            "attribute[community]": "Khayelitsha",
            "attribute[language]": "xh",
            "attribute[title]": "Burst pipe",
            "attribute[report_url]": "https://fixmystreet.example/report/1",
        }
        return {k: v for k, v in {**sent, **overrides}.items() if v != ""}


@pytest.fixture
async def partner(tmp_path: Path) -> AsyncIterator[Partner]:
    publisher = FakePublisher()
    url = f"sqlite+aiosqlite:///{tmp_path / 'i.db'}"
    async with running_intake(url, publisher=publisher) as intake:
        key = await issue(intake.app.state.db, store.credentials, "fixmystreet", Role.PARTNER)
        yield Partner(intake, key, publisher)


def logged(partner: Partner) -> list[dict[str, Any]]:
    return [json.loads(m.value)["data"] for m in partner.publisher.sent]


async def test_a_partner_logs_a_request_as_a_field_agent_would(partner: Partner) -> None:
    once = {"Idempotency-Key": "fms-1"}  # the XML answer repeats the JSON one's request
    answers = [await partner.post(partner.form(), fmt, once) for fmt in ("json", "xml")]
    assert [a.status_code for a in answers] == [200, 200], answers[0].text
    created = answers[0].json()
    jsonschema.validate(created, SCHEMAS["created"])
    reference = created[0]["service_request_id"]
    in_xml = from_xml(answers[1].content, "service_requests")
    assert in_xml == xml_shaped(created, "service_requests")
    await partner.intake.drain_outbox()
    event = next(e for e in logged(partner) if e["reference"] == reference)
    assert event["agent"] == "fixmystreet" and event["category"] == "water"
    assert event["channel"] == "open311"  # routing counts the requests by the way they came
    assert event["location"]["community"] == "Khayelitsha" and event["location"]["lat"] < -34
    assert event["resident"]["phone"] == "+27825550199"
    assert event["resident"]["updates_by"] == "sms" and event["resident"]["language"] == "xh"
    assert "report_url" not in json.dumps(event)  # FixMyStreet's own attributes are not kept
    read = await partner.intake.client.get(f"{BASE}/requests/{reference}.json")
    assert read.json()[0]["service_code"] == "water"
    assert "Nomsa" not in read.text and "555" not in read.text


async def test_a_retry_with_the_same_idempotency_key_logs_once(partner: Partner) -> None:
    form, key = partner.form(), {"Idempotency-Key": "fms-report-1"}
    url = f"{BASE}/requests.json"
    first = await partner.intake.client.post(url, data=form, headers=key)
    again = await partner.intake.client.post(url, data=form, headers=key)
    assert first.json() == again.json()
    other = await partner.intake.client.post(url, data={**form, "description": "x"}, headers=key)
    assert other.status_code == 400
    await partner.intake.drain_outbox()
    assert len(logged(partner)) == 1


@pytest.mark.parametrize(
    ("change", "status", "says"),
    [
        ({"api_key": ""}, 403, "api_key"),
        ({"api_key": "not-a-key"}, 403, "api_key"),
        ({"api_key": "agent"}, 403, "partner's key"),
        ({"service_code": "potholes"}, 400, "service_code"),
        ({"service_code": "x" * 3000}, 400, "service_code 'xxxxxxxxxxxxxxxxxxxx' "),
        ({"service_code": ""}, 400, "service_code is required"),
        ({"attribute[community]": ""}, 400, "attribute[community]: is required"),
        ({"attribute[area]": "west"}, 400, "attribute[area]"),
        ({"lat": "", "long": ""}, 400, "a location is required"),
        ({"long": ""}, 400, "lat and long"),
        ({"lat": "south"}, 400, "decimal degrees"),
        ({"lat": "-134"}, 400, "lat"),
        ({"description": "x" * 2001}, 400, "description"),
        ({"phone": "12"}, 400, "phone"),
        ({"email": "nomsa-at-home"}, 400, "email"),
        ({"attribute[account_number]": "12ab"}, 400, "attribute[account_number]"),
        (
            {"service_code": "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e 'e'>]><x>&e;</x>"},
            400,
            "",
        ),
        ({"description": "a\x00b"}, 400, "description"),
        # what XML cannot hold would make requests.xml unreadable for every partner
        ({"attribute[community]": "Khaye\ufffelitsha"}, 400, "attribute[community]"),
        ({"address_string": "12 Mew Way\uffff"}, 400, "address_string"),
        ({"jurisdiction_id": "elsewhere.example"}, 404, "jurisdiction_id"),
    ],
)
async def test_a_wrong_form_is_refused_in_the_specifications_format(
    partner: Partner, change: dict[str, str], status: int, says: str
) -> None:
    if change.get("api_key") == "agent":
        change = {"api_key": partner.intake.token}
    for fmt in ("json", "xml"):
        refused = await partner.post(partner.form(**change), fmt)
        assert refused.status_code == status, refused.text
        if fmt == "json":
            jsonschema.validate(refused.json(), SCHEMAS["errors"])
            assert says in refused.json()[0]["description"]
        else:
            assert from_xml(refused.content, "errors")["error"][0]["code"] == str(status)
    await partner.intake.drain_outbox()
    assert logged(partner) == []


async def test_xml_or_json_bodies_are_refused_unread(partner: Partner) -> None:
    bomb = b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'aaaa'><!ENTITY b '&a;&a;'>]><x>&b;</x>"
    for body, sent in ((bomb, "text/xml"), (b'{"service_code": "water"}', "application/json")):
        refused = await partner.intake.client.post(
            f"{BASE}/requests.xml", content=body, headers={"Content-Type": sent}
        )
        assert refused.status_code == 400
        assert b"form" in from_xml(refused.content, "errors")["error"][0]["description"].encode()
    too_big = await partner.post(partner.form(description="y" * 70_000))
    assert too_big.status_code in (400, 413)


async def test_a_token_is_a_reference_known_or_still_on_a_device(partner: Partner) -> None:
    reference = (await partner.post(partner.form())).json()[0]["service_request_id"]
    db, now = partner.intake.app.state.db, dt.datetime.now(dt.UTC)
    deps = tool_deps(lambda: now)
    code = await devices.new_pairing_code("thandi", db, deps)
    device = await devices.pair(PairDevice(code, "tablet 7"), db, deps)
    offline = (await devices.lease_references(LeaseWanted(device.device_id, 1), db, deps))[0][0]
    for token, expected in ((reference, reference), (offline, None)):
        for fmt in ("json", "xml"):
            found = await partner.intake.client.get(f"{BASE}/tokens/{token}.{fmt}")
            assert found.status_code == 200, found.text
            if fmt == "json":
                jsonschema.validate(found.json(), SCHEMAS["tokens"])
                assert found.json() == [{"token": token, "service_request_id": expected}]
                answer = found.json()
            else:
                assert from_xml(found.content, "service_requests") == xml_shaped(
                    answer, "service_requests"
                )
    unknown = await partner.intake.client.get(f"{BASE}/tokens/0000000000.json")
    assert unknown.status_code == 404
    jsonschema.validate(unknown.json(), SCHEMAS["errors"])


def bin_application(partner: Partner, **overrides: str) -> dict[str, str]:
    """A damaged bin's application, its list answer as repeated `attribute[damage][]`."""
    form = partner.form(
        service_code="bin-damaged",
        **{"attribute[owner_or_tenant]": "tenant", "attribute[account_number]": "123456789"},
    )
    return {**form, **overrides}


async def test_a_partner_applies_with_the_questions_as_attributes(partner: Partner) -> None:
    form: list[tuple[str, str | int | float | bool | None]] = list(bin_application(partner).items())
    form += [("attribute[damage][]", "lid"), ("attribute[damage][]", "wheels")]
    # a dict holds a repeated key once: the list goes as the form's pairs
    encoded = httpx.QueryParams(form)
    response = await partner.intake.client.post(
        f"{BASE}/requests.json",
        content=str(encoded),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 200, response.text
    await partner.intake.drain_outbox()
    assert [m["category"] for m in logged(partner)] == ["bins"]


@pytest.mark.parametrize(
    ("attribute", "value"),
    [("attribute[owner_or_tenant]", "landlord"), ("attribute[account_number]", "")],
)
async def test_a_wrong_answer_is_a_400_naming_the_attribute(
    partner: Partner, attribute: str, value: str
) -> None:
    form = bin_application(partner, **{attribute: value, "attribute[damage][]": "lid"})
    response = await partner.post({k: v for k, v in form.items() if v})
    assert response.status_code == 400, response.text
    assert attribute in response.json()[0]["description"]
    assert partner.publisher.sent == []
