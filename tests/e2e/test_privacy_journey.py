"""A resident's privacy requests across the four services as processes, on the real broker and
PostgreSQL: access lists everything held about their number and nothing of anyone else's;
erasure leaves no store holding their number or address, texts them nothing more, still
honours a later STOP, and keeps their requests in the City's figures."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import random
import time
from typing import Any

import asyncpg
import httpx
import pytest

from tests.e2e.conftest import System
from tests.support.intake import RESIDENT, request_body
from tests.support.notifications import signed_reply
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e
REASON = "the resident asked at the table, identity checked"


def new_phone() -> str:
    return f"082{random.randint(1_000_000, 9_999_999)}"


def e164(phone: str) -> str:
    return "+27" + phone[1:]


def log_request(system: System, phone: str, email: str | None = None, **body: Any) -> str:
    resident = {**RESIDENT, "phone": phone, "email": email, "updates_by": "sms"}
    agent = {"Authorization": f"Bearer {system.agent_token}"}
    answer = httpx.post(
        f"{system.url('intake')}/v1/requests",
        json=request_body(resident=resident, **body),
        headers=agent,
        timeout=10,
    )
    assert answer.status_code == 201, answer.text
    reference: str = answer.json()["reference"]
    # "logged" and "routed" sent: nothing is left on its way to the resident.
    eventually(lambda: len([m for m in system.sms() if m["reference"] == reference]) >= 2)
    return reference


def reply(system: System, phone: str, text: str) -> None:
    body, headers = signed_reply(e164(phone), text, dt.datetime.now(dt.UTC))
    sent = httpx.post(
        f"{system.url('notifications')}/v1/sms/inbound", content=body, headers=headers
    )
    assert sent.status_code == 200, sent.text


def privacy(system: System, **body: Any) -> dict[str, Any]:
    """Asks, and waits for every service's answer."""
    operators = {"Authorization": f"Bearer {system.team('operators')}"}
    asked = httpx.post(
        f"{system.url('intake')}/v1/privacy/requests",
        json={"reason": REASON, **body},
        headers=operators,
    )
    assert asked.status_code == 202, asked.text
    url = f"{system.url('intake')}/v1/privacy/requests/{asked.json()['id']}"
    done: dict[str, Any] = eventually(
        lambda: (
            (v := httpx.get(url, params={"reason": REASON}, headers=operators).json())["status"]
            == "complete"
            and v
        )
    )
    return done


def test_access_lists_all_a_resident_has_and_nothing_of_anothers(system: System) -> None:
    phone, other = new_phone(), new_phone()
    mine = {log_request(system, phone) for _ in range(2)}
    theirs = log_request(system, other)
    subscribed = httpx.post(
        f"{system.url('notifications')}/v1/subscriptions",
        json={"community": "Khayelitsha", "phone": phone},
    )
    assert subscribed.status_code == 202, subscribed.text
    reply(system, phone, "STOP")
    operators = {"Authorization": f"Bearer {system.team('operators')}"}
    one = sorted(mine)[0]
    looked = httpx.get(
        f"{system.url('notifications')}/v1/notifications",
        params={"reference": one, "reason": REASON},
        headers=operators,
    )
    assert looked.status_code == 200

    answer = privacy(system, kind="access", phone=phone)

    answers = answer["answers"]
    assert set(answers) == {"notifications", "intake", "routing"}
    assert {s: set(a["references"]) for s, a in answers.items()} == dict.fromkeys(answers, mine)
    held = answers["notifications"]["held"]
    assert held["contact details of requests"] == 2
    assert held["subscriptions"] == 1
    assert held["opt-out (STOP)"] == 1
    assert held["messages"] >= 3  # two "logged" SMS and the subscription's confirmation
    assert [(r["action"], r["reason"]) for r in answers["notifications"]["audit"]] == [
        ("read messages", REASON)
    ]
    assert answers["intake"]["held"] == {"requests with description and place": 2}
    assert answers["routing"]["held"] == {"requests with description and place": 2}
    assert theirs not in json.dumps(answer)


async def stores_holding(system: System, needle: str) -> list[str]:
    """Every table's text and JSON columns in the four stores that contain `needle`."""
    found = []
    for service, url in system.databases.items():
        conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
        try:
            columns = await conn.fetch(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = 'public' AND data_type IN "
                "('text', 'character varying', 'json', 'jsonb')"
            )
            for table, column in columns:
                # The names come from PostgreSQL's own catalogue, not from a request.
                query = f'SELECT count(*) FROM "{table}" WHERE "{column}"::text LIKE $1'  # noqa: S608
                hits = await conn.fetchval(query, f"%{needle}%")
                if hits:
                    found.append(f"{service}.{table}.{column}")
        finally:
            await conn.close()
    return found


def test_erasure_leaves_no_trace_of_the_person_and_keeps_the_request(system: System) -> None:
    phone, email = new_phone(), f"erase.{random.randint(0, 10**9)}@example.org"
    said = f"Leak at my gate, call me on {phone} if the gate is locked"
    reference = log_request(system, phone, email, description=said)
    digits = phone[1:]  # in both 0XXXXXXXXX and +27XXXXXXXXX
    assert asyncio.run(stores_holding(system, digits))  # the search finds what is there
    standards = f"{system.url('routing')}/v1/standards"
    figures = httpx.get(standards).json()

    answer = privacy(system, kind="erasure", phone=phone)

    assert answer["answers"]["notifications"]["references"] == [reference]
    assert answer["answers"]["notifications"]["held"]["contact details of requests"] == 1
    assert answer["answers"]["routing"]["held"] == {
        "descriptions and places removed": 1,
        "attachments forgotten": 0,
    }
    assert answer["answers"]["intake"]["held"] == {
        "descriptions and places removed": 1,
        "attachments removed": 0,  # none attached: looked for, and none
    }
    # Outboxes empty once relayed: the erasure's own event leaves intake's a moment later.
    assert eventually(lambda: asyncio.run(stores_holding(system, digits)) == [])
    assert asyncio.run(stores_holding(system, email)) == []

    # The request stays, without the person: the City still counts it.
    follow_up = httpx.get(f"{system.url('intake')}/v1/requests/{reference}").json()
    assert follow_up["category"] == "water"
    assert httpx.get(standards).json() == figures

    # Its department resolves it: nobody is texted.
    texted = len([m for m in system.sms() if m["reference"] == reference])
    team = {"Authorization": f"Bearer {system.team('water-and-sanitation')}"}
    resolved = httpx.post(
        f"{system.url('routing')}/v1/requests/{reference}/status",
        json={"status": "resolved", "note": "Fixed", "public": True, "cause": "fixed"},
        headers=team,
    )
    assert resolved.status_code == 202, resolved.text
    eventually(
        lambda: (
            httpx.get(f"{system.url('intake')}/v1/requests/{reference}").json()["status"]
            == "resolved"
        )
    )
    time.sleep(2)
    assert len([m for m in system.sms() if m["reference"] == reference]) == texted

    # A STOP afterwards is still honoured: a new request from that number gets no SMS.
    reply(system, phone, "STOP")
    agent = {"Authorization": f"Bearer {system.agent_token}"}
    again = httpx.post(
        f"{system.url('intake')}/v1/requests",
        json=request_body(resident={**RESIDENT, "phone": phone, "updates_by": "sms"}),
        headers=agent,
    ).json()["reference"]
    time.sleep(3)
    assert [m for m in system.sms() if m["reference"] == again] == []


def test_a_correction_moves_an_open_request_to_the_new_number(system: System) -> None:
    old, new = new_phone(), new_phone()
    reference = log_request(system, old)

    answer = privacy(system, kind="correction", phone=old, new_phone=new)

    assert set(answer["answers"]) == {"notifications"}
    assert answer["answers"]["notifications"]["references"] == [reference]
    assert answer["answers"]["notifications"]["held"]["contact details of open requests"] == 1
    team = {"Authorization": f"Bearer {system.team('water-and-sanitation')}"}
    acknowledged = httpx.post(
        f"{system.url('routing')}/v1/requests/{reference}/status",
        json={"status": "acknowledged", "note": "On our list", "public": True},
        headers=team,
    )
    assert acknowledged.status_code == 202, acknowledged.text
    texts = eventually(
        lambda: (
            (t := [m for m in system.sms() if m["reference"] == reference]) and len(t) >= 3 and t
        )
    )
    assert [m["to"] for m in texts] == [e164(old), e164(old), e164(new)]
