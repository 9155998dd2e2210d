"""Reopening across the four services as processes, on the real broker and PostgreSQL: a
resolved request reopened by an agent through intake, another by the resident's signed
NOT FIXED reply; each goes back to in_progress with the same department, and each resident
is told once that it is open again."""

from __future__ import annotations

import datetime as dt
import time

import httpx
import pytest

from shared.clock import CAPE_TOWN
from shared.contracts.common import normalise_phone
from tests.e2e.conftest import System
from tests.support.intake import RESIDENT, request_body
from tests.support.notifications import signed_reply
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e
TEAM = "water-and-sanitation"


def status_of(system: System, reference: str) -> str:
    return str(httpx.get(f"{system.url('intake')}/v1/requests/{reference}").json()["status"])


def resolved_request(system: System) -> str:
    agent = {"Authorization": f"Bearer {system.agent_token}"}
    body = request_body(description="Dripping standpipe")
    reference = str(
        httpx.post(f"{system.url('intake')}/v1/requests", json=body, headers=agent).json()[
            "reference"
        ]
    )
    eventually(lambda: status_of(system, reference) == "routed")
    team = {"Authorization": f"Bearer {system.team(TEAM)}"}
    answer = httpx.post(
        f"{system.url('routing')}/v1/requests/{reference}/status",
        json={"status": "resolved", "cause": "fixed"},
        headers=team,
    )
    assert answer.status_code == 202, answer.text
    eventually(lambda: status_of(system, reference) == "resolved")
    # Notifications hears of the resolution on its own consumer: a NOT FIXED reply is
    # believed only once it has (the resident's "resolved" text shows it has).
    eventually(lambda: texts_with(system, reference, "sisonjululwe"))
    return reference


def texts_with(system: System, reference: str, words: str) -> list[str]:
    return [m["text"] for m in system.sms() if m["reference"] == reference and words in m["text"]]


def reopened_texts(system: System, reference: str) -> list[str]:
    # The resident's language is isiXhosa: "open again" is "sivulekile kwakhona".
    return texts_with(system, reference, "sivulekile")


def test_an_agent_and_a_resident_each_reopen_a_resolved_request(system: System) -> None:
    by_agent, by_sms = resolved_request(system), resolved_request(system)
    agent = {"Authorization": f"Bearer {system.agent_token}"}
    asked = httpx.post(
        f"{system.url('intake')}/v1/requests/{by_agent}/reopen",
        json={"reason": "The standpipe drips again"},
        headers=agent,
    )
    assert asked.status_code == 202, asked.text

    raw, headers = signed_reply(
        normalise_phone(str(RESIDENT["phone"])), f"NOT FIXED {by_sms}", dt.datetime.now(dt.UTC)
    )
    replied = httpx.post(
        f"{system.url('notifications')}/v1/sms/inbound", content=raw, headers=headers
    )
    assert replied.json() == {"action": "reopen asked"}, replied.text

    for reference in (by_agent, by_sms):
        eventually(lambda: status_of(system, reference) == "in_progress")  # noqa: B023
        view = httpx.get(f"{system.url('intake')}/v1/requests/{reference}").json()
        assert view["department"] == TEAM
        eventually(lambda: reopened_texts(system, reference))  # noqa: B023
    time.sleep(2)  # a second text would have come by now
    assert [len(reopened_texts(system, r)) for r in (by_agent, by_sms)] == [1, 1]


def test_a_neighbour_joined_to_a_request_hears_its_next_update(system: System) -> None:
    agent = {"Authorization": f"Bearer {system.agent_token}"}
    where = {"area": "east", "community": "Site C", "lat": -34.0479, "lon": 18.6731}
    body = request_body(description="Dripping standpipe at the creche", location=where)
    first = httpx.post(f"{system.url('intake')}/v1/requests", json=body, headers=agent).json()
    reference = str(first["reference"])
    eventually(lambda: status_of(system, reference) == "routed")
    near: dict[str, str | float] = {"category": "water", "lat": -34.0470, "lon": 18.6731}
    offered = httpx.get(f"{system.url('intake')}/v1/requests/nearby", params=near, headers=agent)
    assert reference in [n["reference"] for n in offered.json()]
    neighbour = {**RESIDENT, "phone": "082 555 0177", "language": "en"}
    joined = httpx.post(
        f"{system.url('intake')}/v1/requests/{reference}/followers",
        json={"resident": neighbour},
        headers=agent,
    )
    assert joined.status_code == 202, joined.text
    time.sleep(2)  # the join travels on the bus before the team acts
    team = {"Authorization": f"Bearer {system.team(TEAM)}"}
    acknowledged = httpx.post(
        f"{system.url('routing')}/v1/requests/{reference}/status",
        json={"status": "acknowledged"},
        headers=team,
    )
    assert acknowledged.status_code == 202, acknowledged.text
    heard = eventually(
        lambda: [
            m for m in system.sms() if m["to"] == "+27825550177" and m["reference"] == reference
        ]
    )
    assert "has received your request" in heard[0]["text"]


def confirmed_fixed(system: System) -> int:
    month = dt.datetime.now(CAPE_TOWN).strftime("%Y-%m")
    rows = httpx.get(f"{system.url('routing')}/v1/standards", params={"month": month}).json()
    return sum(int(r["confirmed_fixed"]) for r in rows if r["department"] == TEAM)


def test_a_residents_fixed_reply_reaches_the_standards_report(system: System) -> None:
    reference = resolved_request(system)
    before = confirmed_fixed(system)
    raw, headers = signed_reply(
        normalise_phone(str(RESIDENT["phone"])), f"FIXED {reference}", dt.datetime.now(dt.UTC)
    )
    replied = httpx.post(
        f"{system.url('notifications')}/v1/sms/inbound", content=raw, headers=headers
    )
    assert replied.json() == {"action": "fixed confirmed"}, replied.text
    eventually(lambda: confirmed_fixed(system) == before + 1)
    assert status_of(system, reference) == "resolved"  # kept, not reopened
