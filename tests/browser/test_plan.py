"""The plan in a real browser (Debian's Chromium, driven by Playwright), issue 29's test: a
department's credential is refused at sign-in; an operator signs in to /plan/, publishes
December, moves a visit to a day that would leave its week one visit short and is told so
before saving, and cancels a visit with a reason, which the community's subscribers hear of
(the visit.cancelled event on the bus). axe-core finds nothing serious on any screen, and the
screenshot for the README is written."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
import uvicorn
from playwright.async_api import Browser, expect

from shared.contracts.visits import VisitCancelled, VisitChanged
from shared.credentials import Role
from shared.events import parse_event
from shared.topics import VISITS
from tests.browser.test_work_queue import SCREENSHOTS, serious
from tests.support.fakes import FakePublisher
from tests.support.plan_pages import a_move_leaving_a_week_short, week_of
from tests.support.processes import free_port
from tests.support.scheduling import Scheduling, running_scheduling
from tests.support.tokens import issue
from tests.support.waiting import eventually_async

pytestmark = pytest.mark.e2e
TODAY = dt.date(2026, 11, 26)  # the tests' clock (tests/support/scheduling.py)


@asynccontextmanager
async def served(tmp_path: Path, publisher: FakePublisher) -> AsyncIterator[tuple[Scheduling, str]]:
    """Scheduling with the in-memory bus, served over HTTP on this event loop."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'scheduling.db'}"
    async with running_scheduling(url, publisher=publisher) as scheduling:
        port = free_port()
        config = uvicorn.Config(scheduling.app, port=port, lifespan="off", log_level="warning")
        server = uvicorn.Server(config)
        serving = asyncio.create_task(server.serve())
        await eventually_async(lambda: server.started, timeout=10)
        try:
            yield scheduling, f"http://127.0.0.1:{port}"
        finally:
            server.should_exit = True
            await serving


async def test_an_operator_plans_the_month_moves_and_cancels_visits(
    browser: Browser, tmp_path: Path
) -> None:
    publisher = FakePublisher()
    async with served(tmp_path, publisher) as (scheduling, url):
        db, table = scheduling.app.state.db, scheduling.app.state.service.tables.credentials
        department = await issue(db, table, "water-and-sanitation", Role.DEPARTMENT)
        context = await browser.new_context(
            viewport={"width": 1280, "height": 900},
            timezone_id="Africa/Johannesburg",
            bypass_csp=True,  # for axe-core's script only
        )
        page = await context.new_page()
        problems: list[str] = []

        # A department's credential is refused, in words.
        await page.goto(f"{url}/plan/")
        await expect(page.locator("h1")).to_have_text("Sign in")
        problems += await serious(page, "sign-in")
        await page.fill("#credential", department)
        await page.click("form[action='/plan/sign-in'] button[type=submit]")
        await expect(page.locator(".error")).to_contain_text("operators only")
        assert (await context.cookies()) == []

        # An operator signs in and publishes December.
        await page.fill("#credential", scheduling.operator_token)
        await page.click("form[action='/plan/sign-in'] button[type=submit]")
        await expect(page.locator("h1")).to_have_text("Plan of November 2026")
        await page.click("text=Next month")
        await expect(page.locator("h1")).to_have_text("Plan of December 2026")
        await expect(page.locator("aside.rules li.broken")).to_have_count(2)
        await page.click("button:has-text('Publish December 2026')")
        await expect(page.locator(".done")).to_contain_text("Published")
        await expect(page.locator("aside.rules li.met")).to_have_count(3)
        problems += await serious(page, "plan")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=SCREENSHOTS / "plan.png", full_page=True)
        await scheduling.app.state.relay.drain()
        publisher.sent.clear()

        # A move that would leave its week one area short: told so before it is saved.
        visits = (await scheduling.client.get("/v1/visits?from=2026-12-01")).json()
        visit, day = a_move_leaving_a_week_short(visits, 2026, 12, TODAY)
        await page.click(f"a[href='/plan/visits/{visit['id']}']")
        await page.fill("#date", day.isoformat())
        await page.fill("#move-reason", "the hall is booked that day")
        await page.click("button:has-text('Check the move')")
        await expect(page.locator("h1")).to_have_text("Before you save")
        week = week_of(dt.date.fromisoformat(visit["date"])).isoformat()
        await expect(page.locator(".warnings-box")).to_contain_text(
            f"the week of {week} visits 1 area(s)"
        )
        problems += await serious(page, "move preview")
        await scheduling.app.state.relay.drain()
        assert publisher.sent == []  # nothing saved before the operator confirms
        await page.click("button:has-text('Save it anyway')")
        await expect(page.locator(".done")).to_contain_text("Moved")
        await expect(page.locator("aside.rules li.broken")).to_contain_text("two areas")

        # A cancellation with a reason: the community's subscribers hear of it.
        [other, *_] = [v for v in visits if v["id"] != visit["id"]]
        await page.click(f"a[href='/plan/visits/{other['id']}']")
        problems += await serious(page, "visit")
        await page.fill("#cancel-reason", "the hall flooded")
        await page.click("button:has-text('Check the cancellation')")
        await expect(page.locator("h1")).to_have_text("Before you save")
        await page.click("form[action$='/cancel'] button[type=submit]")
        await expect(page.locator(".done")).to_contain_text("Cancelled")
        await expect(page.locator("del", has_text=other["community"])).to_be_visible()
        await scheduling.app.state.relay.drain()
        events = [parse_event(m.value) for m in publisher.sent if m.topic == VISITS]
        changed = [e.data_as(VisitChanged) for e in events if e.type.endswith("changed.v1")]
        assert [c.date for c in changed] == [day]
        [cancelled] = [e.data_as(VisitCancelled) for e in events if "cancelled" in e.type]
        assert cancelled.visit_id == other["id"] and cancelled.reason == "the hall flooded"
        assert problems == []
        await context.close()
