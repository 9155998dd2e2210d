"""Open311 GeoReport v2's read side on intake: every JSON answer validates against a schema
written from the specification, its XML twin reads back as the same data, and errors come in
the specification's format in both."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest

from services.intake.open311.schemas import as_xml
from shared.catalogue import CATEGORIES
from tests.support.intake import running_intake
from tests.support.open311 import SCHEMAS, from_xml, xml_shaped

BASE = "/open311/v2"
READS = [
    ("discovery", "discovery"),
    ("services", "services"),
    ("services/accounts", "service_definition"),
    ("services/roads-stormwater", "service_definition"),
]


async def both(tmp_path: Path, path: str, **params: str) -> tuple[Any, Any]:
    async with running_intake(f"sqlite+aiosqlite:///{tmp_path / 'i.db'}") as intake:
        answers = [
            await intake.client.get(f"{BASE}/{path}.{fmt}", params=params)
            for fmt in ("json", "xml")
        ]
    return answers[0], answers[1]


@pytest.mark.parametrize(("path", "root"), READS)
async def test_each_answer_meets_the_specification_in_both_formats(
    tmp_path: Path, path: str, root: str
) -> None:
    as_json, as_xml = await both(tmp_path, path)
    assert as_json.status_code == as_xml.status_code == 200
    assert as_json.headers["content-type"].startswith("application/json")
    assert as_xml.headers["content-type"].startswith("text/xml")
    jsonschema.validate(as_json.json(), SCHEMAS[root])
    assert from_xml(as_xml.content, root) == xml_shaped(as_json.json(), root)


async def test_the_services_are_the_catalogue_grouped_by_department(tmp_path: Path) -> None:
    as_json, _ = await both(tmp_path, "services")
    services = {s["service_code"]: s for s in as_json.json()}
    async with running_intake(f"sqlite+aiosqlite:///{tmp_path / 'catalogue.db'}") as intake:
        catalogue = (await intake.client.get("/v1/services", params={"limit": 200})).json()
    assert set(services) == {s["code"] for s in catalogue}
    assert {c.code for c in CATEGORIES} < set(services)  # each category's report, and more
    assert services["water"]["group"] == "Water and Sanitation"
    assert "Amanzi" in services["water"]["keywords"]
    assert services["indigent-support"]["group"] == "Revenue"
    definition, _ = await both(tmp_path, "services/accounts")
    codes = [a["code"] for a in definition.json()["attributes"]]
    assert codes == ["area", "community", "language", "account_number"]


async def test_an_applications_questions_are_its_attributes(tmp_path: Path) -> None:
    as_json, as_xml = await both(tmp_path, "services/indigent-support")
    jsonschema.validate(as_json.json(), SCHEMAS["service_definition"])
    assert from_xml(as_xml.content, "service_definition") == xml_shaped(
        as_json.json(), "service_definition"
    )
    attributes = {a["code"]: a for a in as_json.json()["attributes"]}
    assert attributes["household_income"]["datatype"] == "number"
    assert attributes["household_income"]["required"] is True
    keys = [v["key"] for v in attributes["employment"]["values"]]
    assert keys == ["employed", "self-employed", "unemployed", "pensioner"]
    orders = [a["order"] for a in as_json.json()["attributes"]]
    assert orders == list(range(1, len(orders) + 1))


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("services/potholes", {}, 404),  # not a service of ours
        ("services", {"jurisdiction_id": "somewhere.else"}, 404),
    ],
)
async def test_errors_come_in_the_specifications_format(
    tmp_path: Path, path: str, params: dict[str, str], status: int
) -> None:
    as_json, as_xml = await both(tmp_path, path, **params)
    assert as_json.status_code == as_xml.status_code == status
    jsonschema.validate(as_json.json(), SCHEMAS["errors"])
    assert as_json.json()[0]["code"] == status
    assert from_xml(as_xml.content, "errors") == xml_shaped(as_json.json(), "errors")


async def test_our_jurisdiction_is_accepted_and_an_unknown_format_refused(
    tmp_path: Path,
) -> None:
    ours, _ = await both(tmp_path, "services", jurisdiction_id="mobileoffice.capetown")
    assert ours.status_code == 200
    async with running_intake(f"sqlite+aiosqlite:///{tmp_path / 'i.db'}") as intake:
        csv = await intake.client.get(f"{BASE}/services.csv")
    assert csv.status_code == 404
    assert csv.json() == [{"code": 404, "description": "no format 'csv': use .json or .xml"}]


def test_the_xml_writer_never_writes_what_xml_cannot_hold() -> None:
    """Text stored before the contracts refused it still makes a well-formed answer."""
    said = "Khaye\ufffelitsha\uffff \x01\ud800 \U0001f6b0 ok"
    written = as_xml("service_requests", [{"description": said, "notes": [{"note": said}]}])
    [read] = from_xml(written, "service_requests")["request"]  # expat: only well-formed XML
    assert read["description"] == "Khaye\ufffdlitsha\ufffd \ufffd\ufffd \U0001f6b0 ok"
