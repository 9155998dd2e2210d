"""The field app in a real browser (Debian's Chromium, driven by Playwright) against the real
intake on the real broker: paired once, it logs requests with no network, gives each resident
a valid number at once, keeps them through a reload, and sends each exactly once when the
network returns."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from shared.events import parse_event
from shared.reference import damm_digit
from shared.topics import REQUESTS_LOGGED
from tests.browser.field import (
    PHONE,
    intake_process,
    log_request,
    numbers_leased,
    pair,
    pairing_code,
    prepared,
    unsent,
)
from tests.support.kafka import TopicTail

pytestmark = pytest.mark.e2e
REQUESTS = 50
# Written under var/ (a test run never changes a tracked file); `make screenshots` copies them
# to docs/screenshots/, which the docs show.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
RESIDENT_LANGUAGES = ("en", "af", "xh")
LANGUAGE_SWITCHES = {20: "af", 35: "xh"}


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
    database_url = await prepared(tmp_path)
    intake = await intake_process(tmp_path, kafka_bootstrap, database_url)
    context = await browser.new_context(viewport=PHONE, timezone_id="Africa/Johannesburg")
    if without_sync_manager:  # the app must never depend on Background Sync
        await context.add_init_script("delete window.SyncManager;")
    page = await context.new_page()
    try:
        await pair(page, await pairing_code(database_url), intake.url)
        # "Choose one", then the 11 categories' fault reports, then the applications.
        await expect(page.locator("#category > option")).to_have_text(["Choose one"])
        await expect(page.locator("#category optgroup").first.locator("option")).to_have_count(11)
        await page.evaluate("navigator.serviceWorker.ready.then(() => true)")

        await context.set_offline(True)
        await page.reload()  # from the service worker's cache
        await page.wait_for_selector("#form-view:not([hidden])")
        shown = []
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for number in range(REQUESTS):
            if number in LANGUAGE_SWITCHES:  # the agent changes the app's language midway
                await page.select_option("#ui-language", LANGUAGE_SWITCHES[number])
            resident = RESIDENT_LANGUAGES[number % 3]
            phone = f"082555{number:04d}" if number % 5 == 0 else None
            text = f"Offline request {number}"
            form = SCREENSHOTS / "form.png" if number == 0 else None
            shown.append(
                await log_request(
                    page, number % 11, text, language=resident, phone=phone, screenshot=form
                )
            )
            if number == 0:
                await page.screenshot(path=SCREENSHOTS / "receipt.png", full_page=True)
        await expect(page.locator("#send-all")).to_have_text("Thumela zonke")  # isiXhosa now
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
