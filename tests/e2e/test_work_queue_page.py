"""The work queue in a real browser (Debian's Chromium) against the four services as processes
on the real broker and PostgreSQL: a team signs in, sees only its own requests soonest due
first with the overdue one marked, acknowledges one with a public note, and the resident's SMS
and follow-up page say so; another team's request is a 403; a form without the session's CSRF
token is refused; no serious or critical axe-core violation."""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
from typing import Any

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect, sync_playwright
from sqlalchemy import update

from services.routing.store import requests as routed_requests
from shared.store import Database
from tests.e2e.conftest import System
from tests.support.intake import request_body
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e
TEAM = "water-and-sanitation"


def logged(system: System, category: str, description: str) -> str:
    agent = {"Authorization": f"Bearer {system.agent_token}"}
    body = request_body(category=category, description=description)
    answer = httpx.post(f"{system.url('intake')}/v1/requests", json=body, headers=agent)
    assert answer.status_code == 201, answer.text
    reference = str(answer.json()["reference"])
    eventually(lambda: view(system, reference)["status"] == "routed")
    return reference


def view(system: System, reference: str) -> dict[str, Any]:
    return dict(httpx.get(f"{system.url('intake')}/v1/requests/{reference}").json())


async def _due_yesterday(url: str, reference: str) -> None:
    db = Database(url)
    try:
        async with db.transaction() as conn:
            past = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
            await conn.execute(
                update(routed_requests)
                .where(routed_requests.c.reference == reference)
                .values(due_at=past)
            )
    finally:
        await db.dispose()


def serious(page: Page, screen: str) -> list[str]:
    found = Axe().run(page).response["violations"]
    return [f"{screen}: {v['id']}" for v in found if v["impact"] in ("serious", "critical")]


def test_a_team_works_its_queue_in_the_browser(system: System) -> None:
    later = logged(system, "water", "Dripping tap at the clinic")  # normal: due in 5 days
    sooner = logged(system, "water", "Burst main in Lansdowne Road")  # urgent: due in 24 h
    theirs = logged(system, "bins", "Wheelie bin stolen")  # solid-waste's
    late = logged(system, "sewage", "Smell from the drain")  # high: made a day overdue
    asyncio.run(_due_yesterday(system.databases["routing"], late))
    credential = system.team(TEAM)  # before Playwright's own event loop starts
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), args=["--no-sandbox"]
        )
        context = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True)
        page = context.new_page()
        page.goto(f"{system.url('routing')}/queue/")
        expect(page).to_have_url(f"{system.url('routing')}/queue/sign-in")
        page.fill("#credential", credential)
        page.click("button[type=submit]")
        expect(page.locator("h1")).to_have_text("Water and Sanitation: open requests")

        rows = page.locator("table.queue tbody tr")
        shown = [r.get_attribute("data-reference") for r in rows.all()]
        mine = [late, sooner, later]
        assert [r for r in shown if r in (*mine, theirs)] == mine  # soonest due first, own only
        expect(page.locator(f"tr[data-reference='{late}']")).to_have_class("overdue")
        expect(page.locator(f"tr[data-reference='{late}'] strong.overdue")).to_have_text("overdue")
        problems += serious(page, "queue")

        page.click(f"a[href^='/queue/requests/{sooner}?']")
        page.select_option("#status", "acknowledged")
        page.fill("#note", "Team on the way")
        page.check("#public")
        page.click("form.status button[type=submit]")
        expect(page.locator("ol.history")).to_contain_text("Acknowledged, by Water and Sanitation")
        problems += serious(page, "request")

        refused = page.goto(f"{system.url('routing')}/queue/requests/{theirs}")
        assert refused is not None and refused.status == 403
        forged = context.request.post(
            f"{system.url('routing')}/queue/requests/{sooner}/status",
            form={"status": "in_progress"},
        )
        assert forged.status == 403 and "expired" in forged.text()
        browser.close()

    followed = eventually(lambda: (v := view(system, sooner))["status"] == "acknowledged" and v)
    assert followed["history"][-1]["note"] == "Team on the way"
    sms = eventually(
        lambda: [m for m in system.sms() if m["reference"] == sooner and "isifumene" in m["text"]]
    )
    assert len(sms) == 1  # the resident (isiXhosa) heard once
    assert problems == []


def test_revenue_decides_a_pensioners_rebate_in_the_browser(system: System) -> None:
    """On the real broker: the application logged at intake reaches the Revenue team's page
    with its answers; the team asks for the bank statements, then approves; the resident
    hears both."""
    agent = {"Authorization": f"Bearer {system.agent_token}"}
    body = request_body(description="Applies for the rates rebate")
    del body["category"]
    body["resident"] = {**body["resident"], "language": "en"}
    body |= {
        "service": "rates-rebate-seniors",
        "answers": {
            "erf_number": "5120",
            "applicant_is_owner": True,
            "lives_in_property": True,
            "age": 68,
            "grant_holder": False,
            "household_income": 6400,
            "id_number": "5805215009086",
        },
        "papers": {"id_document": "seen"},
    }
    answer = httpx.post(f"{system.url('intake')}/v1/requests", json=body, headers=agent)
    assert answer.status_code == 201, answer.text
    reference = str(answer.json()["reference"])
    eventually(lambda: view(system, reference)["status"] == "routed")
    credential = system.team("revenue")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), args=["--no-sandbox"]
        )
        page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
        page.goto(f"{system.url('routing')}/queue/sign-in")
        page.fill("#credential", credential)
        page.click("button[type=submit]")
        page.goto(f"{system.url('routing')}/queue/requests/{reference}")
        expect(page.locator("dl.answers")).to_contain_text("6,400")
        page.select_option("#status", "more_information_needed")
        page.get_by_label("Bank statements of the last 3 months").check()
        page.click("form.status button[type=submit]")
        expect(page.locator("p.done")).to_contain_text("status is changed")
        page.select_option("#status", "approved")
        page.click("form.status button[type=submit]")
        expect(page.locator("dl.facts").first).to_contain_text("Approved until")
        browser.close()

    def told() -> list[str]:
        said = [str(m["text"]) for m in system.sms() if m["reference"] == reference]
        return said if len(said) >= 4 else []

    asked, approved = eventually(told)[2:]
    assert "Bank statements" in asked and "approved from" in approved, (asked, approved)
