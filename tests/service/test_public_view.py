"""One de-identification for everything public (services/intake/public/domain.py): Open311's
reads show a request no more precisely than the open-data file does, so joining the two on
`service_request_id` gives nothing away; texts with a number or an address in them, however
separated, are never published; and a period filter works on the published blocks only."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest

from services.intake.public.domain import blocks_from, public_text
from tests.support.clock import Clock
from tests.support.fakes import FakePublisher
from tests.support.intake import Intake, request_body, resolved, running_intake
from tests.support.open311 import from_xml, xml_shaped

TYPED = "Nomsa Dlamini 0825550199 hut 7"  # a community typed with the person in it
AT = dt.datetime(2030, 3, 1, 10, 17, 23, 456789, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "text",
    [
        "call 0825550199",
        "call 082 555 0199",
        "call 082/555/0199",
        "call 082_555_0199",
        "call 082.555.0199",
        "call (082) 555-0199",
        "account 400000123",
        "nomsa@example.org",
        "nomsa(at)gmail.com",
        "nomsa [at] gmail.com",
        "nomsa ( AT ) gmail.com",
        "nomsa\uff20example.org",  # a full-width at sign
        "\u0660\u0668\u0662\u0665\u0665\u0665\u0660\u0661\u0669\u0669",  # Arabic-Indic digits
        *(f"call 082{sep}555{sep}0199" for sep in ",:|*'~"),
        "nomsa dot dlamini at gmail dot com",
        "write to nomsa at gmail dot com",
    ],
)
def test_a_text_with_a_number_or_an_address_is_not_published(text: str) -> None:
    assert public_text(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "Fixed the pipe at the clinic",
        "Crew out on 12 March",
        "Site C, hut 7",
        "Ward 95",
        "Met at the hall, then at Site C",
    ],
)
def test_other_texts_are(text: str) -> None:
    assert public_text(text) == text


def test_a_period_covers_whole_blocks_only() -> None:
    six = dt.datetime(2030, 3, 1, 6, tzinfo=dt.UTC)
    assert blocks_from(six, six) == (six, six + dt.timedelta(hours=6))
    # a minute around 10:17 holds no block's start: it matches nothing, as it should
    first, after = blocks_from(AT - dt.timedelta(minutes=1), AT + dt.timedelta(minutes=1))
    assert first == after == dt.datetime(2030, 3, 1, 12, tzinfo=dt.UTC)


async def _open311(intake: Intake, path: str, **params: str) -> list[dict[str, Any]]:
    """The JSON answer, after checking the XML one says the same and neither names anyone."""
    j = await intake.client.get(f"/open311/v2/{path}.json", params=params)
    x = await intake.client.get(f"/open311/v2/{path}.xml", params=params)
    assert j.status_code == x.status_code == 200, j.text
    found: list[dict[str, Any]] = j.json()
    xml = x.content.decode()
    for secret in ("Dlamini", "0825550199", "hut 7"):
        assert secret not in j.text and secret not in xml
    assert from_xml(x.content, "service_requests") == xml_shaped(found, "service_requests")
    return found


async def test_open311_shows_a_request_as_the_open_data_file_does(tmp_path: Path) -> None:
    clock = Clock(AT)
    url = f"sqlite+aiosqlite:///{tmp_path / 'i.db'}"
    async with running_intake(url, publisher=FakePublisher(), clock=clock) as intake:
        point = {"lat": -34.04123, "lon": 18.67789}
        hidden = {"area": "east", "community": TYPED, **point}
        common = {"area": "east", "community": "Delft", **point}
        small = (await intake.post(request_body(location=hidden))).json()["reference"]
        named = [(await intake.post(request_body(location=common))).json() for _ in range(5)]
        await resolved(intake.app, small, AT + dt.timedelta(hours=3, minutes=9))
        answer = await intake.client.get("/v1/open-data/requests.csv?from=2030-03-01")
        rows = {r["service_request_id"]: r for r in csv.DictReader(io.StringIO(answer.text))}
        listed = await _open311(intake, "requests", extensions="true")
        one = await _open311(intake, f"requests/{small}", extensions="true")
        by_id = await _open311(intake, "requests", service_request_id=small, extensions="true")
        in_block = await _open311(
            intake, "requests", start_date="2030-03-01T06:00:00Z", end_date="2030-03-01T06:00:00Z"
        )
        around = await intake.client.get(
            "/open311/v2/requests.json",
            params={"start_date": "2030-03-01T10:17:00Z", "end_date": "2030-03-01T10:18:00Z"},
        )
    assert one == by_id and one[0] in listed and len(listed) == len(in_block) == 6
    assert around.json() == []  # a narrower period tells no more than the block
    for shown in listed:
        row = rows[shown["service_request_id"]]
        assert shown["requested_datetime"] == row["requested_datetime"]
        assert shown["updated_datetime"] == row["updated_datetime"]
        assert (shown["expected_datetime"] or "") == row["due_datetime"]
        assert shown["address"] == row["official_suburb"]
        assert shown["description"] == f"{row['service_name']} in {row['official_suburb']}"
        assert (shown["lat"], shown["long"]) == (float(row["lat"]), float(row["long"]))
        for step in shown["extended_attributes"]["notes"]:
            assert step["at"] in {row["requested_datetime"], row["updated_datetime"]}
    assert rows[small]["official_suburb"] == "East (other communities)"
    assert one[0]["status"] == "closed"  # whoever logged it still reads what became of it
    assert rows[named[0]["reference"]]["official_suburb"] == "Delft"
