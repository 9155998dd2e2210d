"""The City's figures page (/standards/) in a real browser (Debian's Chromium, driven by
Playwright) on a month built by the test: no axe-core violation at laptop width and on a
360 px phone, where only the tables scroll sideways, in their own focusable regions. The
screenshot for the README: docs/screenshots/standards.png."""

from __future__ import annotations

from pathlib import Path

import h3
import pytest
from playwright.async_api import Browser, ViewportSize, expect

from tests.browser.test_resident_pages import SCREENSHOTS, serving, violations
from tests.support.clock import NOON, Clock
from tests.support.fakes import FakePublisher
from tests.support.processes import free_port
from tests.support.routing import running_routing
from tests.support.standards_month import KHAYELITSHA, MONTH, Made, build, month_made

pytestmark = pytest.mark.e2e
LAPTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 360, "height": 740}


def around_khayelitsha() -> list[Made]:
    """Requests in the cells around Khayelitsha's, 5 to 14 in each: a heat map to look at."""
    centre = h3.latlng_to_cell(*KHAYELITSHA, 7)
    return [
        Made("water-and-sanitation", "water", "east", "visit", h3.cell_to_latlng(cell), 10, 24)
        for place, cell in enumerate(sorted(h3.grid_disk(centre, 2)))
        for _ in range(5 + place * 7 % 10)
    ]


async def test_the_figures_page_is_accessible_on_a_laptop_and_a_phone(
    browser: Browser, tmp_path: Path
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'r.db'}"
    async with (
        running_routing(url, publisher=FakePublisher(), clock=Clock(NOON)) as routing,
        serving(routing.app, free_port()) as served,
    ):
        await build(routing, month_made() + around_khayelitsha())
        problems: list[str] = []
        for name, viewport in (("laptop", LAPTOP), ("phone", PHONE)):
            context = await browser.new_context(
                viewport=viewport, bypass_csp=True, java_script_enabled=True
            )  # script only for axe-core: the page has none
            page = await context.new_page()
            shown = await page.goto(f"{served}/standards/?month={MONTH}&lang=en")
            assert shown is not None and shown.status == 200
            await expect(page.locator("h1")).to_have_text("Service standards: November 2026")
            await expect(page.locator("svg.chart")).to_have_count(5)
            problems += await violations(page, f"/standards/ {name}")
            wide = await page.evaluate("document.documentElement.scrollWidth")
            if wide > viewport["width"]:
                problems.append(f"{name}: the page is {wide} px wide")
            if name == "laptop":
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                await page.screenshot(path=SCREENSHOTS / "standards.png", full_page=True)
            await context.close()
        assert problems == []
