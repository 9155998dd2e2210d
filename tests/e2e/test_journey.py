"""A resident's request across all four services, as separate processes."""

from __future__ import annotations

import asyncio
import functools
import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Mapping

import httpx
import pytest
from aiokafka import ConsumerRecord

from tests.conftest import ROOT
from tests.e2e.conftest import System
from tests.support.attachments import picture
from tests.support.intake import request_body
from tests.support.kafka import TopicTail
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e


def test_the_full_journey_of_a_request(system: System) -> None:
    # Scheduling plans the month; intake hears of the visit.
    operators = {"Authorization": f"Bearer {system.team('operators')}"}
    plan = httpx.post(
        f"{system.url('scheduling')}/v1/plans",
        json={"month": "2030-03"},
        headers=operators,
        timeout=10,
    )
    assert plan.status_code == 201, plan.text
    visit = plan.json()["visits"][0]
    agent = {"Authorization": f"Bearer {system.agent_token}"}
    body = request_body(
        category="water",
        description="Burst main flooding the road",
        location={"area": visit["area"], "community": visit["community"]},
        visit_id=visit["id"],
    )
    created = eventually(
        lambda: (
            (
                r := httpx.post(f"{system.url('intake')}/v1/requests", json=body, headers=agent)
            ).status_code
            == 201
            and r
        )
    )
    reference = created.json()["reference"]

    # Routing assigns it to Water and Sanitation; intake's follow-up shows it.
    view = eventually(
        lambda: (
            (v := httpx.get(f"{system.url('intake')}/v1/requests/{reference}").json())["status"]
            == "routed"
            and v
        )
    )
    assert view["department"] == "water-and-sanitation"

    # The department acknowledges, then resolves; the resident's follow-up shows each step.
    team = {"Authorization": f"Bearer {system.team('water-and-sanitation')}"}
    for status, note, cause in (
        ("acknowledged", "Team dispatched", None),
        ("resolved", "Main repaired", "fixed"),
    ):
        response = httpx.post(
            f"{system.url('routing')}/v1/requests/{reference}/status",
            json={"status": status, "note": note, "public": True, "cause": cause},
            headers=team,
        )
        assert response.status_code == 202, response.text
    view = eventually(
        lambda: (
            (v := httpx.get(f"{system.url('intake')}/v1/requests/{reference}").json())["status"]
            == "resolved"
            and v
        )
    )
    assert [h["status"] for h in view["history"]] == [
        "logged",
        "routed",
        "acknowledged",
        "resolved",
    ]
    assert view["history"][-1]["note"] == "Main repaired"

    # The resident, who asked for SMS in isiXhosa, heard at every step, once each.
    texts = eventually(
        lambda: (
            (t := [m["text"] for m in system.sms() if m["reference"] == reference])
            and len(t) >= 4
            and t
        )
    )
    time.sleep(1)
    texts = [m["text"] for m in system.sms() if m["reference"] == reference]
    assert len(texts) == 4, texts
    assert all(t.startswith(("I-Ofisi", "Inombolo")) for t in texts)
    assert f"{reference[:3]} {reference[3:6]} {reference[6:]}" in texts[0]
    sent = httpx.get(
        f"{system.url('notifications')}/v1/notifications?reference={reference}&reason=resident+asked+at+the+table",
        headers=operators,
    ).json()
    by_status = {(s["template"], s["status"]) for s in sent}
    assert sorted(s["template"] for s in sent) == [
        "acknowledged",
        "fixed_check",  # "was it fixed?", waiting its 7 days
        "logged",
        "resolved",
        "routed",
    ]
    assert by_status == {
        ("logged", "sent"),
        ("routed", "sent"),
        ("acknowledged", "sent"),
        ("resolved", "sent"),
        ("fixed_check", "pending"),
    }


def test_revoking_an_agent_stops_their_paired_tablet_within_5_seconds(system: System) -> None:
    """The office's own tools, on the running system: pair a tablet for an agent, revoke the
    agent, and the tablet's own credential is refused within seconds."""
    tools = {**os.environ, **database_settings(system)}
    run = functools.partial(
        subprocess.run, cwd=ROOT, env=tools, capture_output=True, text=True, check=True
    )
    agent = f"e2e-leaver-{uuid.uuid4().hex[:6]}"
    run([sys.executable, "-m", "deploy.credentials", "add", agent, "--role", "field-agent"])
    said = run([sys.executable, "-m", "services.intake.devices.cli", "pair", agent]).stdout
    code = re.search(r": ([A-Z0-9]{8}) ", said)
    assert code, said
    intake = system.url("intake")
    device = httpx.post(f"{intake}/v1/devices", json={"code": code[1]}, timeout=10).json()
    tablet = {"Authorization": f"Bearer {device['token']}"}
    logged = httpx.post(f"{intake}/v1/requests", json=request_body(), headers=tablet, timeout=10)
    assert logged.status_code == 201, logged.text

    revoked = run([sys.executable, "-m", "deploy.credentials", "revoke", agent]).stdout
    assert "1 paired device(s) revoked" in revoked, revoked
    started = time.monotonic()
    refused = eventually(
        lambda: (
            (
                r := httpx.post(
                    f"{intake}/v1/requests", json=request_body(), headers=tablet, timeout=10
                )
            ).status_code
            in (401, 403)
            and r
        ),
        timeout=10,
    )
    assert time.monotonic() - started < 5, "the tablet worked for 5 s after its agent left"
    assert "revoked" in refused.json()["error"]["message"]


def test_a_photo_reaches_the_department_and_once_made_public_the_follow_up(
    system: System,
) -> None:
    """Through the real broker and bucket: intake keeps the photo and says so on the bus,
    routing learns of it and lets the department make it public, intake hears that and
    shows it to anyone following the request."""
    intake, routing = system.url("intake"), system.url("routing")
    agent = {"Authorization": f"Bearer {system.agent_token}"}
    body = request_body(category="water", description="Burst pipe at the taxi rank")
    logged = httpx.post(f"{intake}/v1/requests", json=body, headers=agent, timeout=10)
    assert logged.status_code == 201, logged.text
    reference = logged.json()["reference"]
    photo = picture("JPEG", (1600, 1200), "teal")
    uploaded = httpx.post(
        f"{intake}/v1/requests/{reference}/attachments",
        files={"file": ("leak.jpg", photo, "image/jpeg")},
        data={"kind": "photo"},
        headers={**agent, "Idempotency-Key": f"e2e-{reference}"},
        timeout=10,
    )
    assert uploaded.status_code == 201, uploaded.text
    photo_id = uploaded.json()["id"]
    assert httpx.get(f"{intake}/v1/requests/{reference}").json()["photos"] == []

    department = {"Authorization": f"Bearer {system.team('water-and-sanitation')}"}
    made_public = f"{routing}/v1/requests/{reference}/attachments/{photo_id}/public"
    eventually(  # once routing has both the request and the photo from the bus
        lambda: httpx.post(made_public, headers=department, timeout=10).status_code == 200
    )
    shown = eventually(lambda: httpx.get(f"{intake}/v1/requests/{reference}").json()["photos"])
    public = httpx.get(shown[0]["url"], timeout=10)
    assert public.status_code == 200 and public.content.startswith(b"\xff\xd8")
    thumb = httpx.get(shown[0]["thumbnail_url"], timeout=10)
    assert thumb.status_code == 200 and thumb.content.startswith(b"\xff\xd8")


ID_NUMBER = "4801015009087"


def test_applications_are_decided_and_told_and_their_answers_stay_private(
    system: System,
) -> None:
    """A pensioner's rates rebate through every service on the real broker: papers asked
    for, then approved; an indigent application declined with its reason; the resident hears
    each in one SMS, and the answers reach the deciding department and nothing public."""
    intake, routing = system.url("intake"), system.url("routing")
    agent = {"Authorization": f"Bearer {system.agent_token}"}
    revenue = {"Authorization": f"Bearer {system.team('revenue')}"}
    rebate = _apply(intake, agent, "rates-rebate-seniors", household_income=25000)
    assert [w["code"] for w in rebate.json()["warnings"]] == ["income_over_limit"]
    indigent = _apply(intake, agent, "indigent-support", household_income=3000)
    decisions = (
        (rebate, {"status": "more_information_needed", "missing": ["bank_statements"]}),
        (rebate, {"status": "approved", "note": "Backdated to 1 July"}),
        (indigent, {"status": "declined", "reason": "more_than_one_property"}),
    )
    for logged, decision in decisions:
        reference = logged.json()["reference"]
        _decide(f"{routing}/v1/requests/{reference}/status", decision, revenue)

    def texts(reference: str, count: int) -> list[str]:
        said = [m["text"] for m in system.sms() if m["reference"] == reference]
        return said if len(said) >= count else []

    asked, approved = eventually(lambda: texts(rebate.json()["reference"], 4))[2:]
    assert "Bank statements" in asked, asked
    assert "Rates rebate" in approved and "approved from" in approved, approved
    declined = eventually(lambda: texts(indigent.json()["reference"], 3))[2]
    assert "owns more than one property" in declined and "Appeal by" in declined, declined

    for logged in (rebate, indigent):
        reference = logged.json()["reference"]
        public = httpx.get(f"{intake}/v1/requests/{reference}").text
        open311 = httpx.get(f"{intake}/open311/v2/requests/{reference}.json").text
        assert ID_NUMBER not in public + open311 and "household_income" not in public + open311
    on_the_bus = asyncio.run(_records(system.kafka, "mo.dept.revenue", "mo.requests.status"))
    mine = [r for r in on_the_bus if r.key in {rebate.json()["reference"].encode()}]
    assert mine and not any(ID_NUMBER.encode() in r.value for r in on_the_bus)
    assert not any(b"household_income" in r.value for r in on_the_bus)


def _decide(url: str, decision: Mapping[str, object], team: dict[str, str]) -> None:
    """Once routing has the request from the bus (until then, 404)."""
    response = eventually(
        lambda: (r := httpx.post(url, json=decision, headers=team)).status_code != 404 and r
    )
    assert response.status_code == 202, response.text


def _apply(intake: str, agent: dict[str, str], service: str, **answers: object) -> httpx.Response:
    body = request_body(description="Applies at the Mobile Office")
    del body["category"]
    body["resident"] = {**body["resident"], "language": "en"}
    body |= {
        "service": service,
        "answers": {
            "erf_number": "4411",
            "applicant_is_owner": True,
            "owns_one_property": False,
            "lives_in_property": True,
            "age": 71,
            "grant_holder": True,
            "household_size": 2,
            "employment": "pensioner",
            "id_number": ID_NUMBER,
            **answers,
        },
        "papers": {"id_document": "seen", "bank_statements": "will_bring"},
    }
    wanted = {q["code"] for q in httpx.get(f"{intake}/v1/services/{service}").json()["questions"]}
    body["answers"] = {k: v for k, v in body["answers"].items() if k in wanted}
    logged = httpx.post(f"{intake}/v1/requests", json=body, headers=agent, timeout=10)
    assert logged.status_code == 201, logged.text
    return logged


async def _records(bootstrap: str, *topics: str) -> list[ConsumerRecord]:
    """Everything on `topics` so far."""
    async with TopicTail(bootstrap, *topics, from_beginning=True) as tail:
        found: list[ConsumerRecord] = []
        while batch := await tail.poll(timeout_ms=1000):
            found += batch
        return found


def database_settings(system: System) -> dict[str, str]:
    return {f"MO_{s.upper()}_DATABASE_URL": url for s, url in system.databases.items()}
