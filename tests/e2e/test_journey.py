"""A resident's request across all four services, as separate processes."""

from __future__ import annotations

import time

import httpx
import pytest

from tests.e2e.conftest import System, eventually
from tests.support.intake import request_body

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
