"""The work queue in a real browser (Debian's Chromium, driven by Playwright) with 3,000 open
requests for one team, inserted straight into routing's store: a team finds a request by its
reference however it is grouped, reaches page 7, sorts newest first, saves a note that leaves
the status as it was, and a resolve without a cause keeps what was typed and says what is
missing; an operator's Assign shows the request's current department; a request with two
photos shows both thumbnails, full size a click away. axe-core finds nothing serious on the
list or a request, and the screenshots for the docs are written."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
import uvicorn
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, Page, expect

from services.routing import store
from shared.reference import format_for_reading
from tests.support.fakes import FakePublisher
from tests.support.processes import free_port
from tests.support.queue_attachments import attach, sealed_store, use_store
from tests.support.queue_seed import seed_open_requests
from tests.support.routing import Routing, running_routing
from tests.support.waiting import eventually_async
from tests.support.work_queue import logged

pytestmark = pytest.mark.e2e
TEAM = "water-and-sanitation"
OPEN = 3_000
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@asynccontextmanager
async def served(tmp_path: Path) -> AsyncIterator[tuple[Routing, str]]:
    """Routing with the in-memory bus, served over HTTP on this event loop: (it, its URL)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'routing.db'}"
    async with running_routing(url, publisher=FakePublisher()) as routing:
        port = free_port()
        config = uvicorn.Config(routing.app, port=port, lifespan="off", log_level="warning")
        server = uvicorn.Server(config)
        serving = asyncio.create_task(server.serve())
        await eventually_async(lambda: server.started, timeout=10)
        try:
            yield routing, f"http://127.0.0.1:{port}"
        finally:
            server.should_exit = True
            await serving


async def serious(page: Page, screen: str) -> list[str]:
    """axe-core's serious and critical violations on what the page shows now."""
    results = await Axe().run(page)
    return [
        f"{screen}: {v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


async def too_wide(page: Page, url: str, paths: tuple[str, ...]) -> list[str]:
    """The pages among `paths` that scroll sideways at 200% and 400% zoom of a 1280 px
    screen (640 and 320 CSS px)."""
    found = []
    for width in (640, 320):
        await page.set_viewport_size({"width": width, "height": 800})
        for path in paths:
            await page.goto(f"{url}{path}")
            wide = await page.evaluate("document.documentElement.scrollWidth")
            if wide > width:
                found.append(f"{path} is {wide} px wide at {width}")
    await page.set_viewport_size({"width": 1280, "height": 800})
    return found


async def sign_in(page: Page, url: str, credential: str) -> None:
    await page.goto(f"{url}/queue/")
    await page.fill("#credential", credential)
    await page.click("form[action='/queue/sign-in'] button[type=submit]")
    await expect(page.locator("h1")).not_to_have_text("Sign in")


async def references_shown(page: Page) -> list[str]:
    found = await page.locator("table.queue tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.reference)"
    )
    return [str(r) for r in found]


async def test_a_team_works_three_thousand_open_requests(browser: Browser, tmp_path: Path) -> None:
    async with served(tmp_path) as (routing, url):
        now = dt.datetime.now(dt.UTC)
        every = await seed_open_requests(routing.app.state.db, OPEN + 1, TEAM, now)
        resolved = every[10]
        seeded = [r for r in every if r != resolved]  # the 3,000 still open
        answer = await routing.report(resolved, TEAM, "resolved", cause="fixed")
        assert answer.status_code == 202, answer.text
        context = await browser.new_context(
            viewport={"width": 1280, "height": 800},
            timezone_id="Africa/Johannesburg",
            bypass_csp=True,  # for axe-core's script only
        )
        page = await context.new_page()
        problems: list[str] = []
        await sign_in(page, url, await routing.token(TEAM))
        await expect(page.locator("#summary")).to_contain_text("1\u201350 of 3,000")
        assert await references_shown(page) == seeded[:50]
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=SCREENSHOTS / "queue.png")  # the first screen: what a team sees
        problems += await serious(page, "queue")

        wanted = seeded[2_345]
        grouped = format_for_reading(wanted)
        for typed in (wanted, grouped, grouped.replace(" ", "-")):  # the very one: opened
            await page.goto(f"{url}/queue/")
            await page.fill("#q", typed)
            await page.click("form.search button[type=submit]")
            await expect(page.locator("h1")).to_have_text(f"Request {grouped}")
        await page.goto(f"{url}/queue/")
        misheard = f"{wanted[:9]}{(int(wanted[9]) + 1) % 10}"
        await page.fill("#q", misheard)
        await page.click("form.search button[type=submit]")
        await expect(page.locator("#summary")).to_have_text("No search done: check the digits.")
        await expect(page.locator("#q")).to_be_focused()  # autofocus: no script
        await expect(page.locator("tr[data-reference]")).to_have_count(0)
        problems += await serious(page, "misheard search")

        await page.goto(f"{url}/queue/")
        await page.locator("nav.pages a[href='/queue/?page=4']").first.click()
        await page.locator("nav.pages a[href='/queue/?page=7']").first.click()
        await expect(page.locator("#summary")).to_contain_text("301\u2013350 of 3,000")
        assert await references_shown(page) == seeded[300:350]

        await page.select_option("#f-sort", "newest")
        await page.click("form.filters button[type=submit]")
        await expect(page.locator("#summary")).to_contain_text("1\u201350 of 3,000, newest first")
        assert (await references_shown(page))[:3] == seeded[::-1][:3]
        await page.locator("table.queue a").first.click()
        await page.click("text=Back to the list")  # to the list it came from, sorted so
        await expect(page.locator("#summary")).to_contain_text("1\u201350 of 3,000, newest first")

        # A note alone on a resolved request: it stays resolved.
        await page.goto(f"{url}/queue/requests/{resolved}")
        await expect(page.locator("#status")).to_have_value("")
        await page.fill("#note", "Checked the meter as well")
        await page.click("form.status button[type=submit]")
        await expect(page.locator("p.done")).to_contain_text("The status stays")
        await expect(page.locator("ol.history li").last).to_contain_text(
            "Note by Water and Sanitation: Checked the meter as well"
        )

        # Resolving without a cause: refused, nothing typed is lost, the page says what to do.
        other = seeded[20]
        await page.goto(f"{url}/queue/requests/{other}")
        await page.select_option("#status", "resolved")
        await page.fill("#note", "Replaced the washer")
        await page.click("form.status button[type=submit]")
        await expect(page.locator("p.error")).to_contain_text("choose a Cause")
        await expect(page.locator("#note")).to_have_value("Replaced the washer")
        await expect(page.locator("#status")).to_have_value("resolved")
        await expect(page.locator("#cause")).to_be_focused()  # beside its message
        await expect(page.locator("#cause-error")).to_contain_text("Choose a Cause")
        await page.screenshot(path=SCREENSHOTS / "queue-request.png", full_page=True)
        problems += await serious(page, "request")

        # 200% zoom on a 1280 px laptop is 640 CSS px, 400% is 320 (WCAG's reflow): nothing
        # scrolls sideways.
        problems += await too_wide(page, url, ("/queue/?page=2", f"/queue/requests/{other}"))
        await context.close()

        operator = await browser.new_context(viewport={"width": 1280, "height": 800})
        page = await operator.new_page()
        await sign_in(page, url, await routing.token("operators"))
        await page.goto(f"{url}/queue/requests/{seeded[30]}")
        await expect(page.locator("#department")).to_have_value(TEAM)
        await expect(page.locator("#priority")).to_have_value("normal")
        await expect(page.locator("#target_hours")).to_have_value("120")
        problems += await too_wide(page, url, ("/queue/?page=2", f"/queue/requests/{seeded[30]}"))
        await operator.close()
        async with routing.app.state.db.reading() as conn:
            found = await store.find_request(conn, resolved)
        assert found is not None and found.status.value == "resolved"
        assert problems == []


async def test_a_request_shows_its_two_photos_as_thumbnails(
    browser: Browser, tmp_path: Path
) -> None:
    async with served(tmp_path) as (routing, url):
        objects = use_store(routing.app, sealed_store(tmp_path / "attachments"))
        reference = await logged(routing, "water", "Burst pipe flooding the yard at No. 12")
        for color in ("saddlebrown", "steelblue"):
            await attach(routing, objects, reference, color=color)
        context = await browser.new_context(
            viewport={"width": 900, "height": 640},
            timezone_id="Africa/Johannesburg",
            bypass_csp=True,  # for axe-core's script only
        )
        page = await context.new_page()
        await sign_in(page, url, await routing.token(TEAM))
        await page.goto(f"{url}/queue/requests/{reference}")
        thumbnails = page.locator("ul.photos img")
        await expect(thumbnails).to_have_count(2)
        loaded = await thumbnails.evaluate_all("all => all.map(i => i.complete && i.naturalWidth)")
        assert loaded == [320, 320]  # each thumbnail's bytes, from the sealed store
        # The photos, "Make public" under each, and the request's last facts above them.
        await page.evaluate("scrollTo(0, document.querySelector('ul.photos').offsetTop - 200)")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=SCREENSHOTS / "queue-photos.png")  # the viewport only
        problems = await serious(page, "photos")
        async with page.expect_navigation():
            await thumbnails.first.click()
        assert "size=thumb" not in page.url and reference in page.url  # full size
        await context.close()
        assert problems == []
