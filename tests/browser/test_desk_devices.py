"""The tablets desk in a real browser (Debian's Chromium, driven by Playwright): an operator
signs in, pairs a new tablet for an agent (the page shows the code and its QR code), the
tablet opens the QR code's address and pairs with the code filled in, and a lost tablet is
revoked, its unused leased numbers listed as "may still be handed out". axe-core finds
nothing serious on the desk's pages, nothing scrolls sideways at 200% and 400% zoom, and the
screenshots for the docs are written."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
import uvicorn
from playwright.async_api import Browser, expect

from services.intake import store
from services.intake.deps import tool_deps
from services.intake.devices import handlers as devices
from services.intake.devices.handlers import LeaseWanted, PairDevice
from shared.credentials import Role
from shared.reference import format_for_reading
from tests.browser.test_work_queue import serious, too_wide
from tests.support.fakes import FakePublisher
from tests.support.intake import Intake, running_intake
from tests.support.processes import free_port
from tests.support.tokens import issue
from tests.support.waiting import eventually_async

pytestmark = pytest.mark.e2e
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@asynccontextmanager
async def served(tmp_path: Path) -> AsyncIterator[tuple[Intake, str]]:
    """Intake with the in-memory bus, served over HTTP on this event loop: (it, its URL)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'intake.db'}"
    async with running_intake(url, publisher=FakePublisher()) as intake:
        port = free_port()
        config = uvicorn.Config(intake.app, port=port, lifespan="off", log_level="warning")
        server = uvicorn.Server(config)
        serving = asyncio.create_task(server.serve())
        await eventually_async(lambda: server.started, timeout=10)
        try:
            yield intake, f"http://127.0.0.1:{port}"
        finally:
            server.should_exit = True
            await serving


async def test_an_operator_pairs_a_tablet_and_revokes_a_lost_one(
    browser: Browser, tmp_path: Path
) -> None:
    async with served(tmp_path) as (intake, url):
        db, deps = intake.app.state.db, tool_deps()
        operator = await issue(db, store.credentials, "coordinator", Role.OPERATOR)
        await issue(db, store.credentials, "thandi", Role.FIELD_AGENT)
        lost = await devices.pair(
            PairDevice(await devices.pairing_code_for("thandi", db, deps), "tablet 3"), db, deps
        )
        held, _ = await devices.lease_references(LeaseWanted(lost.device_id, 4), db, deps)
        context = await browser.new_context(
            viewport={"width": 1280, "height": 800},
            timezone_id="Africa/Johannesburg",
            bypass_csp=True,  # for axe-core's script only
        )
        page = await context.new_page()
        problems: list[str] = []

        await page.goto(f"{url}/desk/devices")
        await expect(page.locator("h1")).to_have_text("Sign in")
        problems += await serious(page, "sign-in")
        await page.fill("#credential", operator)
        await page.click("form[action='/desk/sign-in'] button[type=submit]")
        await expect(page.locator("h1")).to_have_text("The agents' tablets")
        row = page.locator("tr", has_text="tablet 3")
        await expect(row.locator("td[data-label='Numbers held']")).to_have_text("4")
        problems += await serious(page, "desk")

        await page.click("button[aria-label='Pair a new tablet for thandi']")
        await expect(page.locator("h1")).to_have_text("Pair a tablet for thandi")
        code = await page.inner_text("#code")
        await expect(page.locator(".qr svg[role=img] title")).to_contain_text(code)
        link = await page.get_attribute("dl.facts a", "href")
        assert link == f"{url}/field/#code={code}"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=SCREENSHOTS / "desk-pairing.png")
        problems += await serious(page, "pairing")

        tablet = await context.new_page()  # the new tablet opens the QR code's address
        await tablet.goto(link)
        await expect(tablet.locator("#pair")).to_be_visible()
        await expect(tablet.locator("#pair-code")).to_have_value(code)
        assert "code=" not in tablet.url  # the code leaves the address at once
        await tablet.click("#pair-form button[type=submit]")
        await expect(tablet.locator("#form-view")).to_be_visible()
        await tablet.close()
        other = await context.new_page()  # an address typed with ?code= works too
        await other.goto(f"{url}/field/?code=abcd2345")
        await expect(other.locator("#pair-code")).to_have_value("abcd2345")
        assert other.url == f"{url}/field/"
        await other.close()

        await page.goto(f"{url}/desk/devices")
        await expect(
            page.locator("section.agent", has_text="thandi").locator("tbody tr")
        ).to_have_count(2)
        await page.screenshot(path=SCREENSHOTS / "desk-devices.png")
        name = f"Revoke: lost (tablet 3 {lost.device_id[:8]} of thandi)"
        await page.get_by_role("link", name=name).click()
        await expect(page.locator("h1")).to_have_text("Revoke tablet 3 of thandi?")
        problems += await serious(page, "revoke?")
        await page.click("button.danger")
        await expect(page.locator("h1")).to_have_text("Tablet revoked")
        await expect(page.locator("h2")).to_contain_text("may still be handed out")
        shown = await page.locator("ul.held li").all_inner_texts()
        assert shown == [format_for_reading(n) for n in sorted(held)]
        problems += await serious(page, "revoked")
        await page.goto(f"{url}/desk/devices")
        await expect(page.locator("tr", has_text="tablet 3")).to_contain_text("revoked")
        problems += await too_wide(page, url, ("/desk/devices",))  # 200% and 400% zoom
        assert problems == []
        await context.close()
