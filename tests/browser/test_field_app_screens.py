"""The field app's screens in a real browser against the real intake: today's visit chosen
for the agent, the device's location with its accuracy, the privacy notice in the resident's
language before any contact detail, mistakes shown at the field, a request followed up, the
sign-out guard; and no serious or critical axe-core violation on any screen."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, Geolocation, Page, Route, expect

from tests.browser.field import (
    PHONE,
    VISIT,
    intake_process,
    log_request,
    pair,
    pairing_code,
    prepared,
    received,
    resolve,
    working_devices,
)

pytestmark = pytest.mark.e2e
CAPE_TOWN_CITY_HALL = Geolocation(latitude=-33.9258, longitude=18.4232, accuracy=12)


async def hold_until(released: asyncio.Event, route: Route) -> None:
    await released.wait()
    await route.continue_()


async def accessibility_problems(page: Page, screen: str) -> list[str]:
    """axe-core's serious and critical violations on what the page shows now."""
    results = await Axe().run(page)
    return [
        f"{screen}: {v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


async def test_the_screens_help_the_agent_and_pass_axe(
    browser: Browser, kafka_bootstrap: str, tmp_path: Path
) -> None:
    db_url = await prepared(tmp_path, visit_today=True)
    intake = await intake_process(tmp_path, kafka_bootstrap, db_url)
    context = await browser.new_context(
        viewport=PHONE,
        timezone_id="Africa/Johannesburg",
        geolocation=CAPE_TOWN_CITY_HALL,
        permissions=["geolocation"],
        bypass_csp=True,  # for axe-core's script only; the other tests run under the CSP
    )
    page = await context.new_page()
    problems: list[str] = []
    try:
        await pair(page, await pairing_code(db_url), intake.url)
        # Today's visit is chosen, and its place fills the form.
        await expect(page.locator("#visit")).to_have_value(VISIT)
        await expect(page.locator("#community")).to_have_value("Khayelitsha")
        await expect(page.locator("#area")).to_have_value("east")

        await page.click("#locate")
        await expect(page.locator("#location-state")).to_contain_text("about 12 m")

        # Contact details wait for the notice, read in the resident's language.
        await expect(page.locator("#phone")).to_be_disabled()
        await page.select_option("#language", "af")
        await expect(page.locator("#notice-text")).to_contain_text("Die Stad gebruik")
        await expect(page.locator("#notice-text")).to_have_attribute("lang", "af")
        await page.check("#notice-given")
        await page.select_option("#updates-by", "sms")
        await page.fill("#phone", "021 400 1111")  # a landline: an SMS cannot reach it
        await page.click("#log")
        await expect(page.locator("#err-phone")).to_contain_text("cellphone")
        await expect(page.locator("#err-description")).to_contain_text("required")
        await expect(page.locator("#phone")).to_have_attribute("aria-invalid", "true")
        problems += await accessibility_problems(page, "form")

        reference = await log_request(
            page, "water", "Burst pipe at the taxi rank", language="xh", phone="0825550199"
        )
        problems += await accessibility_problems(page, "receipt")
        await expect(page.locator("#unsent")).to_have_text("0", timeout=30_000)

        await page.click("#show-outbox")
        row = page.locator(f"#today-list li[data-reference='{reference}']")
        await expect(row).to_have_attribute("data-state", "sent")
        problems += await accessibility_problems(page, "outbox")

        await page.click("#show-form")  # the request just logged is offered nearby
        await page.select_option("#category", "water")
        await expect(page.locator("#nearby-list li")).to_have_count(1)
        problems += await accessibility_problems(page, "nearby")

        await page.click("#show-lookup")
        await page.fill("#lookup-reference", f"{reference[:3]} {reference[3:6]} {reference[6:]}")
        await page.click("#lookup-form button[type=submit]")
        await expect(page.locator("#lookup-result dd").nth(2)).to_have_text("logged")
        await expect(page.locator("#lookup-result .history li")).to_have_count(1)
        problems += await accessibility_problems(page, "follow-up")
        await resolve(db_url, reference)  # "not fixed" is offered for a resolved request
        await page.click("#lookup-form button[type=submit]")
        await expect(page.locator("#reopen-form")).to_be_visible()
        problems += await accessibility_problems(page, "not fixed")

        # A half-typed request outlives the app closing, and is listed as a draft.
        await page.click("#show-form")
        await page.fill("#description", "Half typed when the battery died")
        await page.click("#show-outbox")  # listed as a draft once it is on the device
        await expect(page.locator("#today-list li[data-state=draft]")).to_contain_text("Half typed")
        await page.reload()
        await expect(page.locator("#description")).to_have_value("Half typed when the battery died")

        # Signing out with something unsent shows it first, opened at its question, offers no
        # deletion, and signs out once it is sent: a resident holds its number.
        await context.set_offline(True)
        waiting = await log_request(page, "sewage", "Blocked drain")
        await page.click("#show-outbox")
        await page.click("#sign-out")
        await expect(page.locator("#sign-out-heading")).to_be_focused()
        header, heading = [await page.locator(s).bounding_box() for s in ("header", "h2:visible")]
        assert header and heading and heading["y"] >= header["y"] + header["height"], heading
        await expect(page.locator("#unsent-list")).to_contain_text(waiting[:3])
        await expect(page.locator("#sign-out-view")).not_to_contain_text("delete")
        await page.click("#sign-out-anyway")  # "Sign out once sent"
        await expect(page.locator("#notice")).to_contain_text("once everything is sent")
        await expect(page.locator("#outbox-view")).to_be_visible()
        await expect(page.locator("#unsent")).to_have_text("1")
        await page.reload()  # it still waits after the app closes
        await expect(page.locator("#unsent")).to_have_text("1")
        await context.set_offline(False)
        # Sent and signed out while the app still opens (its lists slow to come): it stays out.
        lists_come = asyncio.Event()
        await page.route("**/v1/categories*", lambda route: hold_until(lists_come, route))
        await page.reload()
        await expect(page.locator("#unsent")).to_have_text("1")
        # The next resident's words typed meanwhile go with the sign-out: the next agent to
        # pair this device must not find them.
        await page.click("#show-form")
        await page.fill("#description", "Next resident, typed while it was sending")
        await page.click("#send-all")
        await expect(page.locator("#pair")).to_be_visible(timeout=30_000)
        await expect(page.locator("#description")).to_have_value("")
        lists_come.set()
        await expect(page.locator("main")).to_have_attribute("aria-busy", "false")
        await expect(page.locator("#pair")).to_be_visible()
        await page.unroute("**/v1/categories*")
        assert waiting in await received(db_url)
        await expect(page.locator("#unsent")).to_have_text("0")
        # Online, signing out ends the device's credential on the server too.
        await expect(page.locator("#notice")).to_contain_text("no longer works")
        problems += await accessibility_problems(page, "pair")

        # Offline with nothing unsent, the agent is told the credential still works.
        await pair(page, await pairing_code(db_url), intake.url)
        await context.set_offline(True)
        await page.click("#show-outbox")
        await page.click("#sign-out")
        await page.click("#sign-out-anyway")
        await expect(page.locator("#notice")).to_contain_text("revoke this device")
        assert await working_devices(db_url) == 1  # only the one signed out offline
    finally:
        await context.close()
        intake.stop()
    assert problems == []
