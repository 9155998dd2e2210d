"""The field app when the City says no, in a real browser against the real intake: an expired
pairing keeps the queue until the device is paired again; a revoked device's requests are
shown as refused with the reason; a request the server refuses waits for the agent, who fixes
it, and then it is sent."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, Route, expect

from tests.browser.field import (
    PHONE,
    expire_devices,
    intake_process,
    log_request,
    pair,
    pairing_code,
    prepared,
    received,
    revoke_devices,
    unsent,
)

pytestmark = pytest.mark.e2e


@dataclass(frozen=True)
class FieldApp:
    db_url: str  # intake's store, to look into and to change (expire, revoke)
    url: str  # the real intake, as a process on the real broker
    page: Page  # a phone-sized page, not paired yet


@pytest.fixture
async def app(browser: Browser, kafka_bootstrap: str, tmp_path: Path) -> AsyncIterator[FieldApp]:
    db_url = await prepared(tmp_path)
    intake = await intake_process(tmp_path, kafka_bootstrap, db_url)
    context = await browser.new_context(viewport=PHONE)
    try:
        yield FieldApp(db_url, intake.url, await context.new_page())
    finally:
        await context.close()
        intake.stop()


# A door remembers a credential for a few seconds: a change to it shows after this.
CREDENTIALS_CACHED_S = 5


async def offline_requests(page: Page, count: int, category: str = "water") -> list[str]:
    await page.context.set_offline(True)
    shown = [await log_request(page, category, f"Leak {n}") for n in range(count)]
    assert await unsent(page) == count
    return shown


async def test_an_expired_pairing_keeps_the_queue_and_sends_it_once_paired_again(
    app: FieldApp,
) -> None:
    db_url, url, page = app.db_url, app.url, app.page
    context = page.context
    await pair(page, await pairing_code(db_url), url)
    first = await log_request(page, "water", "Sent before the pairing expired")
    await expect(page.locator("#unsent")).to_have_text("0")
    waiting = await offline_requests(page, 4)

    await expire_devices(db_url)
    await asyncio.sleep(CREDENTIALS_CACHED_S)
    await context.set_offline(False)
    await page.click("#send-all")
    await expect(page.locator("#pair")).to_be_visible()  # the app asks to pair again
    await expect(page.locator("#notice")).to_contain_text("pair again")
    assert await unsent(page) == 4  # the rest waits
    assert await received(db_url) == {first}

    await pair(page, await pairing_code(db_url))  # same device: its numbers stay valid
    await expect(page.locator("#unsent")).to_have_text("0", timeout=30_000)
    assert await received(db_url) == {first, *waiting}


async def test_a_revoked_devices_requests_are_shown_refused_with_the_reason(app: FieldApp) -> None:
    db_url, url, page = app.db_url, app.url, app.page
    context = page.context
    await pair(page, await pairing_code(db_url), url)
    shown = await offline_requests(page, 3)
    await revoke_devices(db_url)  # the tablet was reported lost
    await asyncio.sleep(CREDENTIALS_CACHED_S)
    await context.set_offline(False)
    await page.click("#send-all")
    await page.click("#show-outbox")
    refused = page.locator("#today-list li[data-state=attention]")
    await expect(refused).to_have_count(3, timeout=30_000)
    for reference in shown:
        row = page.locator(f"#today-list li[data-reference='{reference}']")
        await expect(row.locator(".reason")).to_contain_text("revoked")
    assert await unsent(page) == 3  # never silently dropped
    assert await received(db_url) == set()

    # The one being fixed, discarded from Today: the form does not bring it back.
    page.on("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))
    first = page.locator(f"#today-list li[data-reference='{shown[0]}']")
    await first.get_by_role("button", name="Fix").click()
    await expect(page.locator("#log")).to_have_text("Save and send again")
    await page.click("#show-outbox")
    await first.get_by_role("button", name="Discard").click()
    await expect(first).to_have_count(0)
    await page.click("#show-form")
    await expect(page.locator("#log")).to_have_text("Log the request")
    await expect(page.locator("#description")).to_have_value("")
    assert await unsent(page) == 2


async def test_a_refused_request_needs_attention_and_is_sent_once_fixed(app: FieldApp) -> None:
    db_url, url, page = app.db_url, app.url, app.page
    context = page.context

    async def with_a_category_since_retired(route: Route) -> None:
        response = await route.fetch()
        listed = await response.json()
        listed.append({"code": "graffiti", "name": {"en": "Graffiti"}, "department": "parks"})
        await route.fulfill(response=response, body=json.dumps(listed))

    await page.route("**/v1/categories*", with_a_category_since_retired)
    await pair(page, await pairing_code(db_url), url)
    await page.unroute("**/v1/categories*")
    retired = (await offline_requests(page, 1, "graffiti"))[0]
    await context.set_offline(False)
    await page.click("#send-all")
    await page.click("#show-outbox")
    row = page.locator(f"#today-list li[data-reference='{retired}']")
    await expect(row).to_have_attribute("data-state", "attention", timeout=30_000)
    await expect(row.locator(".reason")).to_contain_text("category")
    assert await unsent(page) == 1

    await row.get_by_role("button", name="Fix").click()
    await expect(page.locator("#err-category")).to_contain_text("not a category the City uses")
    await page.select_option("#category", "parks")
    await page.click("#log")
    await expect(page.locator("#receipt-reference")).to_have_text(
        f"{retired[:3]} {retired[3:6]} {retired[6:]}"  # the resident's number is kept
    )
    await expect(page.locator("#unsent")).to_have_text("0", timeout=30_000)
    assert await received(db_url) == {retired}


@pytest.mark.parametrize("status", [503, 429, 408])
async def test_a_busy_or_failing_city_is_retried_not_refused(app: FieldApp, status: int) -> None:
    db_url, url, page = app.db_url, app.url, app.page
    answered: list[int] = []

    async def busy_twice(route: Route) -> None:
        if route.request.method == "POST" and len(answered) < 2:
            answered.append(status)
            body = json.dumps({"error": {"code": "busy", "message": "try later", "fields": {}}})
            await route.fulfill(status=status, body=body, headers={"Retry-After": "1"})
        else:
            await route.continue_()

    await pair(page, await pairing_code(db_url), url)
    await page.route("**/v1/requests", busy_twice)
    reference = await log_request(page, "water", "Tap leaking at the clinic")
    await expect(page.locator("#retry")).to_be_visible()  # says when it tries again
    await expect(page.locator("#unsent")).to_have_text("0", timeout=20_000)
    assert answered == [status, status]
    assert await received(db_url) == {reference}
