"""The field app in a real browser (Debian's Chromium, driven by Playwright) against the real
intake on the real broker: paired once, it logs requests with no network, gives each resident
a valid number at once, keeps them through a reload, and sends each exactly once when the
network returns."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from services.intake import devices, store
from services.intake.device_store import leases
from shared.credentials import Role
from shared.events import parse_event
from shared.reference import damm_digit
from shared.store import Database
from shared.topics import REQUESTS_LOGGED, REQUESTS_ROUTED, REQUESTS_STATUS, VISITS
from tests.support.kafka import TopicTail, fresh_group
from tests.support.processes import ServiceProcess
from tests.support.tokens import issue

pytestmark = pytest.mark.e2e
REQUESTS = 50
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=shutil.which("chromium"), args=["--no-sandbox"]
        )
        yield launched
        await launched.close()


async def prepared(tmp_path: Path) -> tuple[str, str]:
    """An intake store with a field agent and a pairing code for a device: (url, code)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'intake.db'}"
    db = Database(url)
    try:
        await db.create_schema(store.metadata)
        await issue(db, store.credentials, "thandi", Role.FIELD_AGENT)
        from datetime import UTC, datetime

        code = await devices.new_pairing_code(db, "thandi", datetime.now(UTC))
    finally:
        await db.dispose()
    return url, code


async def numbers_leased(url: str) -> set[str]:
    db = Database(url)
    try:
        async with db.reading() as conn:
            return set(await conn.scalars(leases.select().with_only_columns(leases.c.reference)))
    finally:
        await db.dispose()


async def unsent(page: Page) -> int:
    return int(await page.inner_text("#unsent"))


@pytest.mark.parametrize(
    ("without_sync_manager", "kill_mid_sync"),
    [(False, False), (True, True)],
    ids=["background-sync", "no-syncmanager-and-intake-killed-mid-sync"],
)
async def test_offline_requests_get_numbers_at_once_and_arrive_exactly_once(
    browser: Browser,
    kafka_bootstrap: str,
    tmp_path: Path,
    without_sync_manager: bool,
    kill_mid_sync: bool,
) -> None:
    database_url, code = await prepared(tmp_path)
    group = await fresh_group(kafka_bootstrap, REQUESTS_ROUTED, REQUESTS_STATUS, VISITS)
    intake = ServiceProcess(
        "intake",
        {
            "MO_INTAKE_DATABASE_URL": database_url,
            "MO_KAFKA_BOOTSTRAP": kafka_bootstrap,
            "MO_INTAKE_CONSUMER_GROUP": group,
        },
        tmp_path / "intake.log",
    )
    await asyncio.to_thread(intake.start)
    context = await browser.new_context(viewport={"width": 360, "height": 740})
    if without_sync_manager:  # the app must never depend on Background Sync
        await context.add_init_script("delete window.SyncManager;")
    page = await context.new_page()
    try:
        await page.goto(f"{intake.url}/field/")
        await page.fill("#pair-code", code)
        async with page.expect_response(lambda r: r.url.endswith("/references")) as lease:
            await page.click("#pair-form button[type=submit]")
        assert (await lease.value).status == 201
        await page.wait_for_selector("#form-view:not([hidden])")
        await expect(page.locator("#category option")).to_have_count(11)
        await page.evaluate("navigator.serviceWorker.ready.then(() => true)")

        await context.set_offline(True)
        await page.reload()  # from the service worker's cache
        await page.wait_for_selector("#form-view:not([hidden])")
        shown = []
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=SCREENSHOTS / "form.png", full_page=True)
        for number in range(REQUESTS):
            await page.select_option("#category", index=number % 11)
            await page.fill("#description", f"Offline request {number}")
            await page.select_option("#area", "east")
            await page.fill("#community", "Khayelitsha")
            await page.click("#request-form button[type=submit]")
            await page.wait_for_selector("#receipt:not([hidden])")
            shown.append((await page.inner_text("#receipt-reference")).replace(" ", ""))
            if number == 0:
                await page.screenshot(path=SCREENSHOTS / "receipt.png", full_page=True)
            await page.click("#next-request")
        assert len(set(shown)) == REQUESTS
        assert all(damm_digit(n) == 0 and n[0] in "1234" for n in shown)
        assert set(shown) <= await numbers_leased(database_url)
        assert await unsent(page) == REQUESTS
        await page.reload()
        await page.wait_for_selector("#form-view:not([hidden])")
        assert await unsent(page) == REQUESTS  # the queue outlives a reload
        await page.click("#show-outbox")
        await page.screenshot(path=SCREENSHOTS / "outbox.png")

        async with TopicTail(kafka_bootstrap, REQUESTS_LOGGED) as logged:
            await context.set_offline(False)
            for _ in range(3):
                await page.click("#send-all")  # impatient agents must not double anything
            mine = set(shown)
            records = []
            if kill_mid_sync:
                records += await logged.collect(
                    lambda r: r.key.decode() in mine, expected=10, timeout=30
                )
                intake.kill()  # kill -9 while the app is still sending
                await asyncio.to_thread(intake.start)
                await page.click("#send-all")
            await expect(page.locator("#unsent")).to_have_text("0", timeout=60_000)
            records += await logged.collect(
                lambda r: r.key.decode() in mine,
                expected=REQUESTS - len(records),
                timeout=60,
                settle=2,
            )
        # Each request exactly once: one event per number shown. (A relay killed between
        # publishing and forgetting a batch publishes it again with the same event ids, which
        # every consumer drops; that is the outbox's at-least-once, not a second request.)
        events: dict[str, set[str]] = {}
        for record in records:
            events.setdefault(record.key.decode(), set()).add(parse_event(record.value).id.hex)
        assert sorted(events) == sorted(shown)
        assert all(len(ids) == 1 for ids in events.values())
    finally:
        await context.close()
        intake.stop()
