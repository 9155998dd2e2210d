"""A report from a FixMyStreet instance, as it sends one (a plain form POST to Open311's
`requests.xml`), across all four services as separate processes: it reaches the department's
topic and the resident gets the "logged" SMS in the language asked for, once."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
import xmltodict

from shared.credentials import Role
from shared.topics import department_topic
from tests.e2e.conftest import System, eventually
from tests.support.kafka import TopicTail
from tests.support.tokens import issue_everywhere

pytestmark = pytest.mark.e2e


def fixmystreet_report(api_key: str) -> dict[str, str]:
    """The fields FixMyStreet's Open311 sender posts, its own attributes included."""
    return {
        "api_key": api_key,
        "jurisdiction_id": "mobileoffice.capetown",
        "service_code": "sewage",
        "lat": "-33.9986",
        "long": "18.5522",
        "description": "Manhole overflowing onto the pavement outside the creche",
        "first_name": "Anele",
        "last_name": "Mokoena",
        "email": "anele@example.org",
        "phone": "0835550142",
        "attribute[area]": "central",
        "attribute[community]": "Bonteheuwel",
        "attribute[language]": "af",
        "attribute[title]": "Overflowing manhole",
        "attribute[report_url]": "https://fixmystreet.example/report/4711",
        "attribute[fixmystreet_id]": "4711",
    }


async def test_a_fixmystreet_report_reaches_the_department_and_texts_the_resident(
    system: System,
) -> None:
    key = await issue_everywhere(system.databases, "fixmystreet", Role.PARTNER)
    topic = department_topic("water-and-sanitation")
    async with TopicTail(system.kafka, topic) as tail:
        async with httpx.AsyncClient(timeout=10) as client:
            answer = await client.post(
                f"{system.url('intake')}/open311/v2/requests.xml", data=fixmystreet_report(key)
            )
        assert answer.status_code == 200, answer.text
        created = xmltodict.parse(answer.content)["service_requests"]["request"]
        reference = created["service_request_id"]
        assert reference in created["service_notice"]
        assigned = await tail.collect(lambda r: r.key == reference.encode(), 1, 30, settle=2)
    assert len(assigned) == 1
    work = json.loads(assigned[0].value)["data"]
    assert (work["category"], work["location"]["community"]) == ("sewage", "Bonteheuwel")

    texts = await asyncio.to_thread(
        eventually, lambda: [m for m in system.sms() if m["reference"] == reference]
    )
    await asyncio.sleep(1)  # a second "logged" text would have arrived by now
    logged = [m for m in system.sms() if m["reference"] == reference and "aangeteken" in m["text"]]
    assert len(logged) == 1, texts
    assert logged[0]["to"] == "+27835550142"
    assert f"{reference[:3]} {reference[3:6]} {reference[6:]}" in logged[0]["text"]
