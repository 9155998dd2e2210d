"""A report from a FixMyStreet instance, as it sends one (a plain form POST to Open311's
`requests.xml`), across all four services as separate processes: it reaches the department's
topic and the resident gets the "logged" SMS in the language asked for, once. And one whose
community was typed with the resident's name and number in it: no Open311 answer names them,
and every time and place Open311 shows is the open-data file's."""

from __future__ import annotations

import asyncio
import csv
import io
import json

import httpx
import pytest
import xmltodict

from shared.credentials import Role
from shared.topics import department_topic
from tests.e2e.conftest import System
from tests.support.kafka import TopicTail
from tests.support.tokens import issue_everywhere
from tests.support.waiting import eventually

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


async def test_open311_shows_no_more_than_the_open_data_file(system: System) -> None:
    key = await issue_everywhere(system.databases, "call-centre", Role.PARTNER)
    typed = "Nomsa Dlamini 0825550199 hut 7"
    report = {**fixmystreet_report(key), "attribute[community]": typed}
    base = f"{system.url('intake')}/open311/v2"
    async with httpx.AsyncClient(timeout=10) as client:
        posted = await client.post(f"{base}/requests.json", data=report)
        assert posted.status_code == 200, posted.text
        reference = posted.json()[0]["service_request_id"]

        async def routed() -> bool:
            answer = await client.get(f"{base}/requests/{reference}.json")
            return bool(answer.json()[0]["expected_datetime"])

        for _ in range(60):
            if await routed():
                break
            await asyncio.sleep(0.5)
        paths = [f"requests/{reference}", "requests", f"tokens/{reference}"]
        answers = {
            (path, fmt): await client.get(
                f"{base}/{path}.{fmt}",
                params={"extensions": "true", "service_request_id": reference},
            )
            for path in paths
            for fmt in ("json", "xml")
        }
        csv_text = (await client.get(f"{system.url('intake')}/v1/open-data/requests.csv")).text
    for (path, fmt), answer in answers.items():
        assert answer.status_code == 200, (path, fmt, answer.text)
        for secret in ("Nomsa", "Dlamini", "0825550199", "082 555 0199", "hut 7"):
            assert secret not in answer.text, (path, fmt, secret)
    [row] = [
        r for r in csv.DictReader(io.StringIO(csv_text)) if r["service_request_id"] == reference
    ]
    as_file = {
        "requested_datetime": row["requested_datetime"],
        "updated_datetime": row["updated_datetime"],
        "expected_datetime": row["due_datetime"],
        "address": row["official_suburb"],
    }
    place = (float(row["lat"]), float(row["long"]))
    assert row["official_suburb"] == "Central (other communities)" and row["due_datetime"]
    for (path, fmt), answer in answers.items():
        if path.startswith("tokens"):
            continue
        if fmt == "json":
            [shown] = answer.json()
            steps = shown["extended_attributes"]["notes"]
        else:
            shown = xmltodict.parse(answer.content, force_list={"step"})
            shown = shown["service_requests"]["request"]
            steps = shown["extended_attributes"]["notes"]["step"]
        assert {k: shown[k] for k in as_file} == as_file, (path, fmt)
        assert (float(shown["lat"]), float(shown["long"])) == place, (path, fmt)
        assert {step["at"] for step in steps} <= {
            row["requested_datetime"],
            row["updated_datetime"],
        }
