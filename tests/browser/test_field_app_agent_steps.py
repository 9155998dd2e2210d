"""What the API offers an agent, from the field app, in a real browser against the real intake
and broker (issue 25 item 9): similar open requests nearby and joining the resident to one
(no new request), "not fixed" for a resident's reference, and pairing again with the agent's
own credential, which the app never keeps. Each needs signal, and says so without it."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from shared.topics import REQUESTS_LOGGED, REQUESTS_REOPEN
from tests.browser.field import (
    PHONE,
    agent_token,
    intake_process,
    log_request,
    pair,
    pairing_code,
    prepared,
    received,
    resolve,
    working_devices,
)
from tests.browser.test_field_app_screens import hold_until
from tests.support.kafka import TopicTail

pytestmark = pytest.mark.e2e
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
# Everything the page keeps: IndexedDB's two stores, localStorage and sessionStorage.
KEPT = """async () => {
  const db = await new Promise((ok) => { indexedDB.open("mobile-office").onsuccess = (e) => ok(e.target.result); });
  const all = (name) => new Promise((ok) => {
    db.transaction(name).objectStore(name).getAll().onsuccess = (e) => ok(e.target.result);
  });
  return JSON.stringify([await all("kv"), await all("outbox"), { ...localStorage }, { ...sessionStorage }]);
}"""


@dataclass(frozen=True)
class FieldApp:
    db_url: str
    url: str
    kafka: str
    page: Page  # a phone-sized page, not yet paired


@pytest.fixture
async def app(browser: Browser, kafka_bootstrap: str, tmp_path: Path) -> AsyncIterator[FieldApp]:
    db_url = await prepared(tmp_path)
    intake = await intake_process(tmp_path, kafka_bootstrap, db_url)
    context = await browser.new_context(viewport=PHONE, timezone_id="Africa/Johannesburg")
    try:
        yield FieldApp(db_url, intake.url, kafka_bootstrap, await context.new_page())
    finally:
        await context.close()
        intake.stop()


def grouped(reference: str) -> str:
    return f"{reference[:3]} {reference[3:6]} {reference[6:]}"


async def test_a_resident_joins_a_similar_request_nearby_and_nothing_is_logged_twice(
    app: FieldApp,
) -> None:
    page = app.page
    await pair(page, await pairing_code(app.db_url), app.url)
    first = await log_request(page, "water", "Burst pipe at the clinic")
    await expect(page.locator("#unsent")).to_have_text("0", timeout=30_000)

    await page.click("#next-request")
    await page.select_option("#area", "east")
    await page.fill("#community", "Khayelitsha")
    await page.select_option("#category", "water")
    offered = page.locator("#nearby-list li")
    await expect(offered).to_have_count(1)
    await expect(offered).to_contain_text(grouped(first))
    await expect(offered).to_contain_text("Burst pipe at the clinic")
    await page.locator("#nearby").scroll_into_view_if_needed()
    await page.screenshot(path=SCREENSHOTS / "nearby.png")
    await offered.locator("button").click()  # no contact details yet: it says what is missing
    await expect(page.locator("#err-notice-given")).to_contain_text("To join")
    await page.check("#notice-given")
    await page.select_option("#language", "af")
    await page.select_option("#updates-by", "sms")
    await page.fill("#phone", "0825550111")

    joined = asyncio.Event()
    await page.route("**/followers", lambda route: hold_until(joined, route))
    async with TopicTail(app.kafka, REQUESTS_LOGGED) as tail:
        await offered.locator("button").dblclick()  # a double tap is one join
        await expect(page.locator("#log")).to_be_disabled()  # Log waits: not joined and logged
        joined.set()
        await expect(page.locator("#receipt")).to_be_visible()
        joins = await tail.collect(lambda r: b"follower_joined" in r.value, 1, settle=2)
    await expect(page.locator("#receipt-reference")).to_have_text(grouped(first))
    await expect(page.locator("#receipt-state")).to_contain_text("nothing new was logged")
    await expect(page.locator("#receipt-updates")).to_contain_text("An SMS follows")
    assert [json.loads(j.value)["data"]["reference"] for j in joins] == [first]
    assert await received(app.db_url) == {first}  # joined, not logged again
    held = "import('/field/outbox.js').then((s) => s.all()).then((all) => all.length)"
    assert await page.evaluate(held) == 1  # no number was taken for the join

    await page.click("#next-request")  # offline, the app says it cannot look
    await page.context.set_offline(True)
    await page.fill("#community", "Khayelitsha")
    await page.select_option("#category", "water")
    await expect(page.locator("#nearby-state")).to_contain_text("No signal")


async def test_not_fixed_for_a_resident_reaches_the_city_from_the_follow_up(app: FieldApp) -> None:
    page = app.page
    await pair(page, await pairing_code(app.db_url), app.url)
    reference = await log_request(page, "water", "Burst pipe at the clinic")
    await expect(page.locator("#unsent")).to_have_text("0", timeout=30_000)
    await resolve(app.db_url, reference)

    await page.click("#show-lookup")
    await page.fill("#lookup-reference", grouped(reference))  # as the resident brings it
    await page.click("#lookup-form button[type=submit]")
    await expect(page.locator("#reopen-form")).to_be_visible()
    await page.fill("#reopen-reason", "The pipe leaks again")
    async with TopicTail(app.kafka, REQUESTS_REOPEN) as tail:
        await page.click("#reopen")
        await expect(page.locator("#reopen-state")).to_contain_text("Reported not fixed")
        asks = await tail.collect(lambda r: reference.encode() in r.value, 1)
    assert json.loads(asks[0].value)["data"]["reason"] == "The pipe leaks again"
    await page.locator("#reopen-form").scroll_into_view_if_needed()
    await page.screenshot(path=SCREENSHOTS / "not-fixed.png")

    await page.context.set_offline(True)
    await page.fill("#reopen-reason", "Still leaking")
    await page.click("#reopen")
    await expect(page.locator("#reopen-state")).to_contain_text("needs a connection")

    # A late answer is not said under another number looked up meanwhile.
    await page.context.set_offline(False)
    answered = asyncio.Event()
    await page.route("**/reopen", lambda route: hold_until(answered, route))
    await page.click("#reopen")
    await page.fill("#lookup-reference", "1234567890")
    await page.click("#lookup-form button[type=submit]")
    await expect(page.locator("#reopen-form")).to_be_hidden()
    answered.set()
    await expect(page.locator("#reopen")).to_be_enabled()
    await expect(page.locator("#reopen-state")).to_have_text("")


async def test_the_agent_pairs_again_with_their_own_credential_which_is_not_kept(
    app: FieldApp,
) -> None:
    page = app.page
    await pair(page, await pairing_code(app.db_url), app.url)
    await page.click("#show-outbox")  # signed out in the field, far from the office
    await page.click("#sign-out")
    await page.click("#sign-out-anyway")
    await expect(page.locator("#pair")).to_be_visible()

    # A refusal is said under the field used, in words, the field focused.
    await page.fill("#pair-code", "ABCD1234")
    await page.click("#pair-form button[type=submit]")
    await expect(page.locator("#err-pair-code")).to_have_text(re.compile(r"^is unknown, used"))
    await expect(page.locator("#pair-code")).to_be_focused()
    await expect(page.locator("#notice")).to_be_hidden()
    await page.fill("#own-token", "not-a-credential")
    await page.click("#own-form button[type=submit]")
    await expect(page.locator("#err-own-token")).to_contain_text("not known")
    await expect(page.locator("#err-pair-code")).to_be_hidden()
    await expect(page.locator("#own-token")).to_be_focused()
    await expect(page.locator("#own-token")).to_have_value("")

    token = await agent_token(app.db_url)
    await page.fill("#own-token", token)
    await page.screenshot(path=SCREENSHOTS / "pair-own.png")
    await page.click("#own-form button[type=submit]")
    await expect(page.locator("#form-view")).to_be_visible()
    await expect(page.locator("#category option")).not_to_have_count(0)
    assert await working_devices(app.db_url) == 1  # the new pairing; the signed-out one ended
    kept = await page.evaluate(KEPT)
    assert '"token"' in kept and token not in kept  # the device's credential, not the agent's
    await expect(page.locator("#own-token")).to_have_value("")
    await log_request(page, "water", "Logged after pairing again")
    await expect(page.locator("#unsent")).to_have_text("0", timeout=30_000)
