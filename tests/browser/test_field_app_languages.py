"""Every screen of the field app in Afrikaans and isiXhosa, compared with English, in a real
browser against the real intake: any text, screen-reader label or page title still the same
as in English is an untranslated string (a few words are the same in both languages, and what
the agent typed is the agent's)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, Route, expect

from tests.browser.field import (
    PHONE,
    intake_process,
    log_request,
    pair,
    pairing_code,
    prepared,
)

pytestmark = pytest.mark.e2e
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
LANGUAGES = ("en", "af", "xh")
TYPED = {"Burst pipe at the clinic", "Khayelitsha", "Refused on the way"}
# The same in English and in that language, or a name: not a missed translation. (The
# departments are named as the resident's SMS names them, in every language.)
NAMES = {"SMS", "English", "Afrikaans", "isiXhosa", "Water & Sanitation"}
SAME = {"af": {"Status", "Water", *NAMES}, "xh": NAMES}

# The texts a person (or a screen reader) meets on the page now: visible text, the options
# of visible lists, aria-labels and the page's title. Digits and punctuation alone (numbers,
# times) say nothing in any language.
SHOWN = """() => {
  const shown = (el) => el.getClientRects().length > 0;
  const found = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    const text = node.textContent.trim();
    if (!text || !/\\p{L}/u.test(text) || el.closest("[translate=no]")) continue;
    if (shown(el.tagName === "OPTION" ? el.closest("select") : el)) found.push(text);
  }
  for (const el of document.querySelectorAll("[aria-label]")) {
    if (shown(el)) found.push(el.getAttribute("aria-label"));
  }
  return found;
}"""


CHOOSE = {"en": "Choose one", "af": "Kies een", "xh": "Khetha enye"}


async def choose_language(page: Page, language: str) -> None:
    await page.select_option("#ui-language", language)
    await expect(page.locator("html")).to_have_attribute("lang", language)
    # The lists (categories, visits) are made again in the language: then the change is done.
    await expect(page.locator("#category option").first).to_have_text(CHOOSE[language])


async def shown(page: Page) -> set[str]:
    return set(await page.evaluate(SHOWN))


def untranslated(texts: set[str], english: set[str], language: str) -> list[str]:
    """The texts also shown in English, but for what the agent typed and the words that are
    the same in both languages."""
    found = []
    for text in texts & english:
        rest = text
        for same in sorted(TYPED | SAME[language], key=len, reverse=True):
            rest = rest.replace(same, "")
        if re.search(r"[^\W\d_]", rest):
            found.append(text)
    return sorted(found)


async def screens(page: Page, reference: str) -> dict[str, set[str]]:
    """Each screen's texts in the app's language now (the device offline, one request sent,
    one refused, one waiting)."""
    seen: dict[str, set[str]] = {}
    await page.click("#show-form")
    await page.fill("#description", "")  # the last language's draft
    await page.click("#log")  # an empty form: every "is required"
    await expect(page.locator("#err-description")).to_be_visible()
    seen["form"] = await shown(page)
    await page.select_option("#category", "water")  # offline: no search of requests nearby
    await expect(page.locator("#nearby-state")).to_be_visible()
    seen["nearby"] = await shown(page)
    await page.mouse.click(180, 10)
    await log_request(page, "water", "Burst pipe at the clinic")
    seen["receipt"] = await shown(page)
    await page.click("#show-form")
    await page.fill("#description", "Burst pipe at the clinic")  # a draft in Today
    await page.click("#show-outbox")
    await expect(page.locator("#outbox-view")).to_be_visible()
    await expect(page.locator("#today-list li[data-state=attention]")).to_have_count(1)
    seen["today"] = await shown(page)
    await page.click("#sign-out")
    await expect(page.locator("#sign-out-view")).to_be_visible()
    seen["sign-out"] = await shown(page)
    await page.click("#keep")
    await page.context.set_offline(False)
    await page.click("#show-lookup")
    await page.fill("#lookup-reference", reference)
    await page.click("#lookup-form button[type=submit]")
    await expect(page.locator("#lookup-result dl")).to_be_visible()
    await expect(page.locator("#reopen-form")).to_be_visible()
    seen["follow-up"] = await shown(page)
    await page.context.set_offline(True)
    return seen


async def test_every_screen_is_translated(
    browser: Browser, kafka_bootstrap: str, tmp_path: Path
) -> None:
    db_url = await prepared(tmp_path, visit_today=True)
    intake = await intake_process(tmp_path, kafka_bootstrap, db_url)
    context = await browser.new_context(viewport=PHONE, timezone_id="Africa/Johannesburg")
    page = await context.new_page()

    async def refusing_one(route: Route) -> None:
        # The City refuses one request (as a rule changed since the app loaded would).
        if "Refused on the way" in (route.request.post_data or ""):
            fields = {"resident.email": "value is not a valid email address"}
            body = {"error": {"code": "invalid_request", "message": "fix", "fields": fields}}
            await route.fulfill(status=422, body=json.dumps(body))
        else:
            await route.continue_()

    async def with_a_department(route: Route) -> None:
        # Routing is not running here: the request is shown as resolved by a department (so
        # "not fixed" is offered too).
        response = await route.fetch()
        resolved = {"department": "water-and-sanitation", "status": "resolved"}
        answer = {**(await response.json()), **resolved}
        await route.fulfill(response=response, body=json.dumps(answer))

    try:
        await page.goto(f"{intake.url}/field/")
        pairing: dict[str, set[str]] = {}
        for language in LANGUAGES:
            await choose_language(page, language)
            pairing[language] = await shown(page)
        await page.select_option("#ui-language", "en")
        await pair(page, await pairing_code(db_url))
        await page.route("**/v1/requests", refusing_one)
        await page.route(re.compile(r"/v1/requests/\d+$"), with_a_department)
        reference = await log_request(page, "water", "Burst pipe at the clinic")
        await expect(page.locator("#unsent")).to_have_text("0", timeout=30_000)
        await log_request(page, "water", "Refused on the way")
        await expect(page.locator("#receipt-refusal")).to_be_visible(timeout=30_000)
        await page.context.set_offline(True)

        seen: dict[str, dict[str, set[str]]] = {}
        for language in LANGUAGES:
            await choose_language(page, language)
            seen[language] = {"pair": pairing[language], **await screens(page, reference)}
            await page.screenshot(path=SCREENSHOTS / f"follow-up-{language}.png")
        missed = {
            f"{language} {screen}": untranslated(texts, seen["en"][screen], language)
            for language in ("af", "xh")
            for screen, texts in seen[language].items()
        }
        missed = {screen: texts for screen, texts in missed.items() if texts}
        assert not missed, json.dumps(missed, indent=1, ensure_ascii=False)
    finally:
        await context.close()
        intake.stop()
