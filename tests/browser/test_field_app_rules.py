"""The field app checks what intake checks, by intake's own rules (rules.js, made by
services/intake/field/domain.py), in a real browser against the real intake: a value intake
refuses is refused before "Log" in each of the app's languages, while the resident is still at
the table; and a refusal that still comes from the City is said on the receipt at once, in the
app's language, the way to fix it taking the focus."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, Route, expect

from shared.clock import CAPE_TOWN
from tests.browser.field import (
    PHONE,
    intake_process,
    pair,
    pairing_code,
    prepared,
    received,
    unsent,
)

pytestmark = pytest.mark.e2e
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
LANGUAGES = ("en", "af", "xh")
# Values the app's old checks let through and intake refuses, by the control they go in.
REFUSED = {
    "email": "nomsa.@gmail.com",  # a dot next to the @
    "phone": "0800 123 456",  # a toll-free number: no SMS reaches it
    "description": "Burst pipe\u202e at the clinic",  # a bidi override, pasted in
}


async def word(page: Page, key: str) -> str:
    """What the app says for `key` in its language now (its own words.js)."""
    return str(await page.evaluate(f"import('/field/words.js').then((w) => w.say('{key}'))"))


async def fill_valid_request(page: Page) -> None:
    await page.select_option("#category", "water")
    await page.fill("#description", "Burst pipe at the clinic")
    await page.select_option("#area", "east")
    await page.fill("#community", "Khayelitsha")
    await page.select_option("#language", "en")


async def refused_at_the_field(page: Page, control: str, key: str) -> None:
    await page.click("#log")
    await expect(page.locator(f"#err-{control}")).to_have_text(await word(page, key))
    await expect(page.locator(f"#{control}")).to_have_attribute("aria-invalid", "true")
    await expect(page.locator("#receipt")).to_be_hidden()


async def test_what_intake_refuses_is_refused_before_log_in_every_language(
    browser: Browser, kafka_bootstrap: str, tmp_path: Path
) -> None:
    db_url = await prepared(tmp_path, visit_today=True)
    intake = await intake_process(tmp_path, kafka_bootstrap, db_url)
    context = await browser.new_context(viewport=PHONE, timezone_id="Africa/Johannesburg")
    page = await context.new_page()
    try:
        await pair(page, await pairing_code(db_url), intake.url)
        english: dict[str, str] = {}
        for language in LANGUAGES:
            await page.select_option("#ui-language", language)
            await page.click("#show-form")
            await fill_valid_request(page)
            await page.check("#notice-given")
            await page.select_option("#updates-by", "email")
            await page.fill("#email", REFUSED["email"])
            await refused_at_the_field(page, "email", "e_email")
            await page.fill("#email", "")
            await page.select_option("#updates-by", "sms")
            await page.fill("#phone", REFUSED["phone"])
            await refused_at_the_field(page, "phone", "e_phone")
            await page.fill("#phone", "")
            await page.select_option("#updates-by", "none")
            await page.fill("#description", REFUSED["description"])
            await refused_at_the_field(page, "description", "e_text")
            if language == "xh":
                await page.screenshot(path=SCREENSHOTS / "refused-before-log.png")
                await page.select_option("#ui-language", "en")  # what is shown is said again
                await expect(page.locator("#err-description")).to_have_text(english["e_text"])
                await page.select_option("#ui-language", "xh")
                await expect(page.locator("#err-description")).not_to_have_text(english["e_text"])
            for key in ("e_email", "e_phone", "e_text", "e_reported_at"):
                said = await word(page, key)
                if language == "en":
                    english[key] = said
                else:
                    assert said != english[key], f"{key} is not translated into {language}"

        # Past midnight with yesterday's visit still chosen: intake would refuse the time.
        for language in LANGUAGES:
            now = dt.datetime.now(CAPE_TOWN)
            await page.clock.set_fixed_time(now)
            async with page.expect_response(lambda r: "/v1/visits" in r.url):
                await page.select_option("#ui-language", language)  # reloads today's visits
            await page.clock.set_fixed_time(now.replace(hour=0, minute=30) + dt.timedelta(days=1))
            await page.click("#show-form")
            await fill_valid_request(page)
            await page.select_option("#visit", "khayelitsha-today")
            await refused_at_the_field(page, "visit", "e_reported_at")
        assert await unsent(page) == 0  # nothing was queued
        assert await received(db_url) == set()
    finally:
        await context.close()
        intake.stop()


async def test_a_refusal_from_the_city_shows_on_the_receipt_translated_with_the_fix_focused(
    browser: Browser, kafka_bootstrap: str, tmp_path: Path
) -> None:
    db_url = await prepared(tmp_path)
    intake = await intake_process(tmp_path, kafka_bootstrap, db_url)
    # The service worker would serve its own copy of rules.js: the test's must reach the page.
    context = await browser.new_context(
        viewport=PHONE, timezone_id="Africa/Johannesburg", service_workers="block"
    )
    page = await context.new_page()

    async def with_a_looser_email_rule(route: Route) -> None:
        # The app's copy of one rule changed, intake's not: intake refuses what the app took.
        response = await route.fetch()
        text = await response.text()
        rules = json.loads(text.split("export const RULES = ", 1)[1].rstrip().rstrip(";"))
        rules["email"] = "^.+@.+$"
        await route.fulfill(response=response, body=f"export const RULES = {json.dumps(rules)};")

    await page.route("**/field/rules.js", with_a_looser_email_rule)
    try:
        await pair(page, await pairing_code(db_url), intake.url)
        await page.select_option("#ui-language", "xh")
        await fill_valid_request(page)
        await page.check("#notice-given")
        await page.select_option("#updates-by", "email")
        await page.fill("#email", REFUSED["email"])
        await page.click("#log")
        await expect(page.locator("#receipt")).to_be_visible()
        reference = (await page.inner_text("#receipt-reference")).replace(" ", "")

        refusal = page.locator("#receipt-refusal")
        await expect(refusal).to_be_visible(timeout=15_000)
        await expect(refusal).to_have_text(
            f"{await word(page, 'email')}: {await word(page, 'e_email')}"
        )
        await expect(page.locator("#receipt-state")).to_have_text(
            await word(page, "receipt_refused")
        )
        await expect(page.locator("#receipt-fix")).to_be_focused()
        await page.screenshot(path=SCREENSHOTS / "receipt-refused.png")

        await page.click("#receipt-fix")
        await expect(page.locator("#email")).to_be_focused()
        await expect(page.locator("#err-email")).to_have_text(await word(page, "e_email"))
        await page.fill("#email", "nomsa@gmail.com")
        await page.click("#log")
        await expect(page.locator("#receipt-reference")).to_have_text(
            f"{reference[:3]} {reference[3:6]} {reference[6:]}"  # still the resident's number
        )
        await expect(page.locator("#unsent")).to_have_text("0", timeout=30_000)
        assert await received(db_url) == {reference}
    finally:
        await context.close()
        intake.stop()
