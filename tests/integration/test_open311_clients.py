"""Other people's Open311 clients against intake as a process: the `georeport` package from
PyPI lists the services and reads a service definition, in JSON and in XML, and sees what our
own schema-checked answers say."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from georeport import GeoReport

from tests.support.processes import ServiceProcess

pytestmark = pytest.mark.integration
JURISDICTION = "mobileoffice.capetown"


@pytest.fixture
def intake(kafka_bootstrap: str, tmp_path: Path) -> Iterator[ServiceProcess]:
    env = {
        "MO_KAFKA_BOOTSTRAP": kafka_bootstrap,
        "MO_INTAKE_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'intake.db'}",
    }
    process = ServiceProcess("intake", env, tmp_path / "intake.log")
    process.start()
    yield process
    process.stop()


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
