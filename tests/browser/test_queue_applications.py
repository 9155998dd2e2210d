"""An application on the work queue in a real browser (Debian's Chromium, driven by
Playwright): the department reads the answers and the warning they raise, checks the papers,
asks for a missing one, is told beside the select that declining needs a reason, then
approves it, with no script on the page. axe-core finds no
violations, nothing scrolls sideways on a laptop or a 360 px phone, and the screenshot for
the docs is written (queue-application.png)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, Page, expect

from services.routing import store
from shared.contracts.requests import AttachmentAdded
from shared.events import CONTENT_TYPE, CloudEvent, new_event
from shared.topics import REQUESTS_LOGGED, source
from tests.browser.test_work_queue import SCREENSHOTS, served, sign_in
from tests.support.routing import Routing, logged_event

pytestmark = pytest.mark.e2e
ANSWERS = {
    "erf_number": "12345",
    "owns_one_property": True,
    "lives_in_property": True,
    "household_income": 9200,
    "household_size": 4,
    "employment": "self-employed",
    "age": 47,
    "id_number": "7901015009087",
}
PAPERS = {"id_document": "seen", "affidavit_no_bank_account": "will_bring"}


async def publish(routing: Routing, event: CloudEvent) -> None:
    await routing.app.state.broker.publish(
        event.to_bytes(), REQUESTS_LOGGED, key=event.key, headers={"content-type": CONTENT_TYPE}
    )
    await routing.drain_outbox()


async def application(routing: Routing) -> str:
    """An indigent-support application with its ID document photographed."""
    event = logged_event(
        category="accounts",
        service="indigent-support",
        answers=ANSWERS,
        papers=PAPERS,
        description="Application for indigent support",
    )
    await publish(routing, event)
    now = dt.datetime.now(dt.UTC)
    photo = AttachmentAdded(
        reference=event.subject,
        attachment_id="0c1d2e3f-0000-4000-8000-000000000001",
        kind="document",
        content_type="image/jpeg",
        bytes=180_000,
        sha256="0" * 64,
        added_at=now,
        document="id_document",
    )
    await publish(routing, new_event(photo, source("intake"), event.subject, now))
    return event.subject


async def violations(page: Page, screen: str) -> list[str]:
    """Every axe-core violation on what the page shows now, whatever its impact."""
    results = await Axe().run(page)
    return [
        f"{screen}: {v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"])
        for v in results.response["violations"]
    ]


async def sideways(page: Page, width: int) -> list[str]:
    await page.set_viewport_size({"width": width, "height": 800})
    wide = await page.evaluate("document.documentElement.scrollWidth")
    return [f"{page.url} is {wide} px wide at {width}"] if wide > width else []


async def test_a_team_member_asks_for_a_paper_then_approves(
    browser: Browser, tmp_path: Path
) -> None:
    async with served(tmp_path) as (routing, url):
        reference = await application(routing)
        context = await browser.new_context(
            viewport={"width": 1280, "height": 800},
            timezone_id="Africa/Johannesburg",
            bypass_csp=True,  # for axe-core's script only
        )
        page = await context.new_page()
        await sign_in(page, url, await routing.token("revenue"))
        await page.goto(f"{url}/queue/requests/{reference}")
        await expect(page.locator("dl.facts").first).to_contain_text("Indigent support")
        answers = page.locator("dl.answers")
        await expect(answers).to_contain_text("9,200")
        await expect(answers).to_contain_text("Self-employed")
        await expect(page.locator("ul.warnings")).to_contain_text("above the indigent limit")
        checklist = page.locator("ul.checklist li")
        await expect(checklist.nth(0)).to_contain_text("ID document (required): photo attached")
        await expect(checklist.nth(1)).to_contain_text("will bring")
        await expect(checklist.nth(2)).to_contain_text("missing")

        await page.select_option("#status", "more_information_needed")
        await page.get_by_label("Proof of all household income").check()
        await page.fill("#note", "Please bring your payslips or an affidavit of income")
        await page.click("form.status button[type=submit]")
        await expect(page.locator("p.done")).to_contain_text("status is changed")
        await expect(page.locator("dl.facts").first).to_contain_text("Asked for")
        await expect(checklist.nth(2)).to_contain_text("asked for")
        problems = await violations(page, "application")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=SCREENSHOTS / "queue-application.png", full_page=True)
        problems += await sideways(page, 360)
        await page.screenshot(path=SCREENSHOTS / "queue-application-360.png", full_page=True)
        problems += await violations(page, "application at 360 px")
        await page.set_viewport_size({"width": 1280, "height": 800})

        # Declining without a reason: refused beside the select, the note kept.
        await page.select_option("#status", "declined")
        await page.fill("#note", "Income above the limit")
        await page.click("form.status button[type=submit]")
        await expect(page.locator("#decline_reason-error")).to_contain_text("Choose a Decline")
        await expect(page.locator("#decline_reason")).to_be_focused()
        await expect(page.locator("#note")).to_have_value("Income above the limit")
        await expect(page.locator("#status")).to_have_value("declined")
        problems += await violations(page, "a refused decline")

        await page.select_option("#status", "approved")
        await page.fill("#note", "")
        await page.click("form.status button[type=submit]")
        await expect(page.locator("p.done")).to_contain_text("status is changed")
        await expect(page.locator("dl.facts").first).to_contain_text("Approved until")
        await expect(page.locator("#status")).to_have_count(0)  # final
        await context.close()
        async with routing.app.state.db.reading() as conn:
            found = await store.find_request(conn, reference)
        assert found is not None and found.status.value == "approved"
        assert found.valid_until is not None
        assert problems == []
