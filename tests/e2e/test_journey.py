"""A resident's request across all four services, as separate processes."""

from __future__ import annotations

import functools
import os
import re
import subprocess
import sys
import time
import uuid

import httpx
import pytest

from tests.conftest import ROOT
from tests.e2e.conftest import System
from tests.support.attachments import picture
from tests.support.intake import request_body
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
    assert sorted(s["template"] for s in sent) == ["acknowledged", "logged", "resolved", "routed"]
    assert {s["status"] for s in sent} == {"sent"}


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


def database_settings(system: System) -> dict[str, str]:
    return {f"MO_{s.upper()}_DATABASE_URL": url for s, url in system.databases.items()}
