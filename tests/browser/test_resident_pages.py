"""The resident's own pages in a real browser (Debian's Chromium, driven by Playwright) on a
320 px phone: a request moved along by its department, in English, Afrikaans and isiXhosa,
with the next visit to its community, under 30 KB and with no axe-core violation; then the
visits page, area → community → its visits, and visit news asked for by e-mail, which
notifications answers on its own page. Screenshots for the README: resident-follow-up.png and
resident-visits.png (docs/screenshots/)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from axe_playwright_python.async_playwright import Axe
from fastapi import FastAPI
from playwright.async_api import Browser, Page, ViewportSize, expect

from tests.service.test_resident_pages import a_request_in_progress, announce, visit
from tests.support.clock import Clock
from tests.support.fakes import FakePublisher
from tests.support.intake import running_intake
from tests.support.notifications import running_notifications
from tests.support.processes import free_port
from tests.support.waiting import eventually_async

pytestmark = pytest.mark.e2e
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONE: ViewportSize = {"width": 320, "height": 640}
WORDS = {
    "en": ("The department is working on it", "Next visit to Khayelitsha", "Thursday 10"),
    "af": ("Die departement werk daaraan", "Volgende besoek aan Khayelitsha", "Donderdag 10"),
    "xh": ("Isebe liyasebenza kuyo", "Utyelelo olulandelayo e-Khayelitsha", "Lwesine 10"),
}


@asynccontextmanager
async def serving(app: FastAPI, port: int) -> AsyncIterator[str]:
    config = uvicorn.Config(app, port=port, lifespan="off", log_level="warning")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    await eventually_async(lambda: server.started, timeout=10)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


async def violations(page: Page, screen: str) -> list[str]:
    results: Any = await Axe().run(page)
    return [
        f"{screen}: {v['id']} ({v['impact']}): {v['help']}" for v in results.response["violations"]
    ]


async def sideways(page: Page) -> list[str]:
    wide = await page.evaluate("document.documentElement.scrollWidth")
    return [f"{page.url} is {wide} px wide"] if wide > PHONE["width"] else []


async def test_a_resident_follows_a_request_and_asks_for_visit_news(
    browser: Browser, tmp_path: Path
) -> None:
    intake_port, notifications_port = free_port(), free_port()
    notifications_url = f"http://127.0.0.1:{notifications_port}"
    async with (
        running_intake(
            f"sqlite+aiosqlite:///{tmp_path / 'i.db'}",
            publisher=FakePublisher(),
            clock=Clock(),
            settings={"notifications_url": notifications_url},
        ) as intake,
        running_notifications(
            f"sqlite+aiosqlite:///{tmp_path / 'n.db'}",
            publisher=FakePublisher(),
            public_base_url=f"http://127.0.0.1:{intake_port}",
        ) as notifications,
        serving(intake.app, intake_port) as url,
        serving(notifications.app, notifications_port),
    ):
        reference = await a_request_in_progress(intake)
        await announce(intake, visit("Khayelitsha", 10))
        await announce(intake, visit("Mfuleni", 11))
        context = await browser.new_context(
            viewport=PHONE,
            timezone_id="Africa/Johannesburg",
            bypass_csp=True,  # for axe-core's script only
        )
        page = await context.new_page()
        problems: list[str] = []
        for lang, (status, heading, day) in WORDS.items():
            shown = await page.goto(
                f"{url}/r/{reference[:3]} {reference[3:6]}-{reference[6:]}?lang={lang}"
            )
            assert shown is not None and shown.status == 200
            assert len(await shown.body()) <= 30 * 1024
            await expect(page.locator("html")).to_have_attribute("lang", lang)
            await expect(page.locator("dd.status")).to_have_text(status)
            await expect(page.locator("main")).to_contain_text(heading)
            await expect(page.locator("p.box")).to_contain_text(day)
            problems += await violations(page, f"/r/ {lang}") + await sideways(page)
            if lang == "en":
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                await page.screenshot(path=SCREENSHOTS / "resident-follow-up.png", full_page=True)

        await page.goto(f"{url}/visits/?lang=en")
        await page.get_by_role("link", name="East").click()
        await page.get_by_role("link", name="Khayelitsha").click()
        await expect(page.locator("main")).to_contain_text("Thursday 10 December 2026")
        problems += await violations(page, "/visits/") + await sideways(page)
        await page.get_by_label("By e-mail").fill("thandi@example.org")
        await page.screenshot(path=SCREENSHOTS / "resident-visits.png", full_page=True)
        await page.get_by_role("button", name="Send me visit news").click()
        await expect(page.locator("main")).to_contain_text("Check your e-mail")
        problems += await violations(page, "/visits/subscribe") + await sideways(page)
        await page.get_by_role("link", name="Back to the visits").click()
        await expect(page.locator("h1")).to_have_text("When the Mobile Office visits")
        assert problems == []
