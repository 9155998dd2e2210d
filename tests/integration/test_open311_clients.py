"""Other people's Open311 clients against intake as a process: the `georeport` package from
PyPI lists the services, reads a service definition and reads back requests a field agent
logged and requests a partner created through our POST, in JSON and in XML, and sees what our
own schema-checked answers say."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import h3
import httpx
import pytest
import xmltodict
from georeport import GeoReport

from services.intake import store
from shared.credentials import Role
from shared.store import Database
from tests.support.intake import request_body
from tests.support.processes import ServiceProcess
from tests.support.tokens import issue

pytestmark = pytest.mark.integration
JURISDICTION = "mobileoffice.capetown"


@pytest.fixture
def intake(kafka_bootstrap: str, tmp_path: Path) -> Iterator[ServiceProcess]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'intake.db'}"
    env = {"MO_KAFKA_BOOTSTRAP": kafka_bootstrap, "MO_INTAKE_DATABASE_URL": url}
    process = ServiceProcess("intake", env, tmp_path / "intake.log")
    agent, partner = asyncio.run(_holders(url))  # the test's, not intake's
    process.env["AGENT_TOKEN"], process.env["PARTNER_KEY"] = agent, partner
    process.start()
    yield process
    process.stop()


async def _holders(url: str) -> tuple[str, str]:
    db = Database(url)
    await db.create_schema(store.metadata)
    try:
        agent = await issue(db, store.credentials, "thandi", Role.FIELD_AGENT)
        return agent, await issue(db, store.credentials, "call-centre", Role.PARTNER)
    finally:
        await db.dispose()


@pytest.mark.parametrize("output_format", ["json", "xml"])
async def test_georeport_lists_the_services_and_reads_a_definition(
    intake: ServiceProcess, output_format: str
) -> None:
    client = GeoReport(
        f"{intake.url}/open311/v2", jurisdiction=JURISDICTION, output_format=output_format
    )
    services = await asyncio.to_thread(client.get_service_list)
    definition = await asyncio.to_thread(client.get_service_definition, "accounts")
    ours = httpx.get(f"{intake.url}/open311/v2/services.json").json()
    assert [s["service_code"] for s in services] == [s["service_code"] for s in ours]
    assert [s["group"] for s in services] == [s["group"] for s in ours]
    attributes = definition["attributes"]
    if output_format == "xml":  # xmltodict: a list of one element's children
        attributes = attributes["attribute"]
    assert [a["code"] for a in attributes] == ["area", "community", "language", "account_number"]


@pytest.mark.parametrize("output_format", ["json", "xml"])
async def test_georeport_reads_back_what_was_logged(
    intake: ServiceProcess, output_format: str
) -> None:
    agent = {"Authorization": f"Bearer {intake.env['AGENT_TOKEN']}"}
    logged = [
        httpx.post(f"{intake.url}/v1/requests", json=request_body(category=c), headers=agent)
        for c in ("water", "parks")
    ]
    references = [answer.json()["reference"] for answer in logged]
    client = GeoReport(
        f"{intake.url}/open311/v2", jurisdiction=JURISDICTION, output_format=output_format
    )
    listed = await asyncio.to_thread(client.get_service_requests)
    one = await asyncio.to_thread(client.get_service_request, references[1])
    if output_format == "xml" and isinstance(listed, dict):  # xmltodict: one element, no list
        listed = [listed]
    ours = httpx.get(f"{intake.url}/open311/v2/requests.json").json()
    assert {r["service_request_id"]: r["service_code"] for r in listed} == {
        r["service_request_id"]: r["service_code"] for r in ours
    }
    assert set(references) <= {r["service_request_id"] for r in listed}
    assert (one["service_request_id"], one["service_code"], one["status"]) == (
        references[1],
        "parks",
        "open",
    )


@pytest.mark.parametrize("output_format", ["json", "xml"])
async def test_georeport_reads_back_what_a_partner_posted_unchanged(
    intake: ServiceProcess, output_format: str
) -> None:
    posted = {
        "api_key": intake.env["PARTNER_KEY"],
        "service_code": "roads-stormwater",
        "lat": "-34.0512",
        "long": "18.6021",
        "description": "Pothole on the bus route",
        "attribute[area]": "east",
        "attribute[community]": "Mfuleni",
    }
    answer = httpx.post(f"{intake.url}/open311/v2/requests.{output_format}", data=posted)
    assert answer.status_code == 200, answer.text
    created = answer.json()[0] if output_format == "json" else _from_xml(answer.content)
    client = GeoReport(
        f"{intake.url}/open311/v2", jurisdiction=JURISDICTION, output_format=output_format
    )
    reference = created["service_request_id"]
    one = await asyncio.to_thread(client.get_service_request, reference)
    ours = httpx.get(f"{intake.url}/open311/v2/requests/{reference}.json").json()[0]
    read = {k: one[k] for k in ("service_request_id", "service_code", "status", "description")}
    assert read == {
        "service_request_id": reference,
        "service_code": "roads-stormwater",
        "status": "open",
        "description": "Roads and stormwater in East (other communities)",  # one, so merged
    }
    assert one["requested_datetime"] == ours["requested_datetime"]
    # The centre of the point's H3 cell, as the open-data file shows it, in either format.
    centre = h3.cell_to_latlng(h3.latlng_to_cell(-34.0512, 18.6021, 8))
    shown = (round(centre[0], 6), round(centre[1], 6))
    assert (float(one["lat"]), float(one["long"])) == shown == (ours["lat"], ours["long"])


def _from_xml(body: bytes) -> dict[str, str]:
    found: dict[str, str] = xmltodict.parse(body)["service_requests"]["request"]
    return found
