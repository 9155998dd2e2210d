"""The field app guards the agent against answers nobody gave and steps nobody meant, in a
real browser against the real intake: no category or area chosen for the agent (so "is
required" can fire), one request for a double click on "Log", a sign-out that asks and says
what it costs, and reference numbers that never run out silently."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
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
    received,
    unsent,
)

pytestmark = pytest.mark.e2e
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@dataclass(frozen=True)
class FieldApp:
    db_url: str
    url: str
    page: Page  # a phone-sized page, paired


@pytest.fixture
async def app(browser: Browser, kafka_bootstrap: str, tmp_path: Path) -> AsyncIterator[FieldApp]:
    db_url = await prepared(tmp_path)  # no visit today: nothing fills the place in
    intake = await intake_process(tmp_path, kafka_bootstrap, db_url)
    context = await browser.new_context(viewport=PHONE, timezone_id="Africa/Johannesburg")
    try:
        page = await context.new_page()
        await pair(page, await pairing_code(db_url), intake.url)
        yield FieldApp(db_url, intake.url, page)
    finally:
        await context.close()
        intake.stop()


async def test_no_category_or_area_is_chosen_for_the_agent(app: FieldApp) -> None:
    page = app.page
    for _ in range(2):  # a fresh form, and the form after "Next resident"
        await expect(page.locator("#category")).to_have_value("")
        await expect(page.locator("#area")).to_have_value("")
        await page.fill("#description", "Streetlight out")
        await page.fill("#community", "Khayelitsha")
        await page.click("#log")
        await expect(page.locator("#err-category")).to_contain_text("is required")
        await expect(page.locator("#err-area")).to_contain_text("is required")
        await expect(page.locator("#receipt")).to_be_hidden()
        await log_request(page, "electricity", "Streetlight out")
        await page.click("#next-request")


async def test_a_double_click_on_log_makes_one_request(app: FieldApp) -> None:
    page = app.page
    await page.context.set_offline(True)
    await page.select_option("#category", "water")
    await page.fill("#description", "Burst pipe")
    await page.select_option("#area", "east")
    await page.fill("#community", "Khayelitsha")
    await page.dblclick("#log")
    await expect(page.locator("#receipt")).to_be_visible()
    await page.click("#show-outbox")
    await expect(page.locator("#today-list li")).to_have_count(1)
    assert await unsent(page) == 1
    shown = (await page.inner_text("#today-list li .ref")).split(" · ")[0].replace(" ", "")

    await page.context.set_offline(False)
    await page.click("#send-all")
    await expect(page.locator("#unsent")).to_have_text("0", timeout=30_000)
    assert await received(app.db_url) == {shown}


async def test_sign_out_is_apart_from_send_all_asks_and_says_what_it_costs(app: FieldApp) -> None:
    page = app.page
    await expect(page.locator("nav #sign-out")).to_have_count(0)  # not next to "Send all"
    await log_request(page, "water", "Sent before signing out")
    await expect(page.locator("#unsent")).to_have_text("0", timeout=30_000)

    await page.click("#show-outbox")
    await page.click("#sign-out")  # nothing unsent: it still asks
    await expect(page.locator("#sign-out-view")).to_be_visible()
    await expect(page.locator("#sign-out-view")).to_contain_text("new pairing code")
    await expect(page.locator("#sign-out-unsent")).to_be_hidden()
    await page.screenshot(path=SCREENSHOTS / "sign-out.png")
    await page.click("#keep")
    await expect(page.locator("#outbox-view")).to_be_visible()
    await expect(page.locator("#today-list li")).to_have_count(1)  # today's list is kept

    # Numbers the City leased while the agent signed out are not kept by the signed-out device.
    await page.evaluate(f"{OUTBOX}.then((s) => s.set('leases', []))")
    asked, answered = asyncio.Event(), asyncio.Event()
    await page.route("**/references", lambda route: answer_late(route, asked, answered))
    await page.click("#send-all")  # nothing to send: it tops up its numbers
    await asyncio.wait_for(asked.wait(), 10)
    await page.click("#sign-out")
    await page.click("#sign-out-anyway")
    await expect(page.locator("#pair")).to_be_visible()
    async with page.expect_response("**/references"):
        answered.set()
    await page.wait_for_timeout(500)  # they would have been kept by now
    assert await page.evaluate(f"{OUTBOX}.then((s) => s.get('leases'))") is None

    # Paired again while the City still answers the sign-out (a slow network): it stays so.
    await pair(page, await pairing_code(app.db_url))
    revoked = asyncio.Event()
    await page.route("**/v1/devices/*", lambda route: revoke_late(route, revoked))
    await page.click("#show-outbox")
    await page.click("#sign-out")
    await page.click("#sign-out-anyway")
    await page.click("#show-form")  # unpaired, no numbers: it asks for a code
    await pair(page, await pairing_code(app.db_url))
    async with page.expect_response(lambda answer: answer.request.method == "DELETE"):
        revoked.set()
    await page.wait_for_timeout(500)  # the sign-in screen would be back by now
    await expect(page.locator("#form-view")).to_be_visible()
    await expect(page.locator("#notice")).not_to_contain_text("Signed out")


OUTBOX = "import('/field/outbox.js')"


async def revoke_late(route: Route, revoked: asyncio.Event) -> None:
    """A device's revocation reaches the City once `revoked` is set; pairing goes at once."""
    if route.request.method == "DELETE":
        await revoked.wait()
    await route.continue_()


async def answer_late(route: Route, asked: asyncio.Event, answered: asyncio.Event) -> None:
    """The City answers at once; the device hears it once `answered` is set."""
    response = await route.fetch()
    asked.set()
    await answered.wait()
    await route.fulfill(response=response)


async def test_numbers_running_low_warn_and_none_left_is_said_next_to_log(app: FieldApp) -> None:
    page = app.page
    await page.context.set_offline(True)  # no top-up: the lease of 50 is all there is
    for number in range(1, 45):
        await log_request(page, "water", f"Leak {number}")
    await expect(page.locator("#receipt-numbers")).to_be_hidden()
    await log_request(page, "water", "Leak 45")
    await expect(page.locator("#receipt-numbers")).to_contain_text("Only 5 reference numbers")
    for number in range(46, 51):
        await log_request(page, "water", f"Leak {number}")
    await expect(page.locator("#receipt-numbers")).to_contain_text("No reference numbers left")

    await page.click("#next-request")
    await expect(page.locator("#numbers-left")).to_contain_text("No reference numbers left")
    await page.select_option("#category", "water")
    await page.fill("#description", "Leak 51")
    await page.select_option("#area", "east")
    await page.fill("#community", "Khayelitsha")
    await page.click("#log")
    await expect(page.locator("#receipt")).to_be_hidden()
    await expect(page.locator("#numbers-left")).to_be_in_viewport()  # next to the button
    await page.screenshot(path=SCREENSHOTS / "no-numbers.png")
    assert await unsent(page) == 50


async def test_an_unpaired_device_says_so_before_the_form(app: FieldApp) -> None:
    page = app.page
    await page.click("#show-outbox")
    await page.click("#sign-out")
    await page.click("#sign-out-anyway")
    await expect(page.locator("#pair")).to_be_visible()
    await page.click("#show-form")
    await expect(page.locator("#form-view")).to_be_hidden()
    await expect(page.locator("#notice")).to_contain_text("Pair this device")


async def test_contact_fields_waiting_for_the_notice_look_so_and_say_why(app: FieldApp) -> None:
    page = app.page
    phone = page.locator("#phone")
    await expect(phone).to_be_disabled()
    locked_look = await phone.evaluate("(e) => getComputedStyle(e).backgroundColor")
    assert locked_look != "rgb(255, 255, 255)"  # not the look of a field that takes typing
    await phone.scroll_into_view_if_needed()
    box = await phone.bounding_box()
    assert box is not None
    await page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    await expect(page.locator("#contact-locked")).to_be_visible()
    await expect(page.locator("#contact-locked")).to_contain_text("privacy notice")
    await expect(page.locator("#contact-locked")).to_have_class("error")
    await expect(page.locator("#notice-given")).to_be_focused()
    await page.screenshot(path=SCREENSHOTS / "contact-locked.png")

    await page.check("#notice-given")
    await expect(page.locator("#contact-locked")).to_be_hidden()
    await page.click("#phone")
    await expect(page.locator("#phone")).to_be_focused()
    assert (
        await phone.evaluate("(e) => getComputedStyle(e).backgroundColor") == "rgb(255, 255, 255)"
    )


async def test_the_receipt_says_what_was_logged_what_follows_and_when_it_was_sent(
    app: FieldApp,
) -> None:
    page = app.page
    await log_request(page, "water", "Burst pipe at the clinic", phone="0825550199")
    await expect(page.locator("#receipt-what")).to_have_text(
        "Water · Khayelitsha · Burst pipe at the clinic"
    )
    await expect(page.locator("#receipt-updates")).to_contain_text("An SMS follows")
    await expect(page.locator("#receipt-state")).to_contain_text("Sent to the City at")
    await expect(page.locator("#receipt-state")).not_to_contain_text("Saved on this device")
    await page.screenshot(path=SCREENSHOTS / "receipt-sent.png")


async def test_today_says_when_and_where_and_finds_a_residents_number(app: FieldApp) -> None:
    page = app.page
    await page.context.set_offline(True)
    shown = [await log_request(page, "water", f"Leak number {n}") for n in range(3)]
    await page.click("#show-outbox")
    rows = page.locator("#today-list li")
    await expect(rows).to_have_count(3)
    await expect(rows.nth(0).locator(".hint")).to_contain_text("Khayelitsha · Leak number 0")
    await expect(rows.nth(0).locator(".hint")).to_have_text(re.compile(r"^\d\d:\d\d · "))
    wanted = shown[1]
    for typed in (f"{wanted[:3]} {wanted[3:6]} {wanted[6:]}", wanted[3:], "number 1"):
        await page.fill("#today-filter", typed)
        await expect(page.locator("#today-list li:visible")).to_have_count(1)
        await expect(page.locator("#today-list li:visible")).to_have_attribute(
            "data-reference", wanted
        )
    await page.screenshot(path=SCREENSHOTS / "today-found.png")
    await page.fill("#today-filter", "no such leak")
    await expect(page.locator("#no-match")).to_have_text("Nothing matches “no such leak”.")
    await page.fill("#today-filter", "")
    await expect(page.locator("#no-match")).to_be_hidden()
    await expect(page.locator("#today-list li:visible")).to_have_count(3)


async def test_each_residents_language_is_chosen_and_the_receipt_reads_back_the_number(
    app: FieldApp,
) -> None:
    """Never English by default (the notice read and every SMS in it), and the number the SMS
    go to read back from the receipt, typed as WhatsApp copies it."""
    page = app.page
    for _ in range(2):  # a fresh form, and the form after "Next resident"
        await expect(page.locator("#language")).to_have_value("")
        await expect(page.locator("#notice-text")).to_have_text(
            "Choose the resident's language first."
        )
        await page.check("#notice-given")
        await page.click("#log")
        await expect(page.locator("#err-language")).to_have_text("is required")
        await expect(page.locator("#receipt")).to_be_hidden()
        await page.uncheck("#notice-given")
        await log_request(page, "water", "Burst pipe", language="xh", phone="27825550199")
        await expect(page.locator("#receipt-updates")).to_contain_text("to 082 555 0199.")
        await page.click("#next-request")


@pytest.mark.parametrize("language", ["en", "xh"])
async def test_the_header_is_small_and_unsent_stays_in_sight(app: FieldApp, language: str) -> None:
    page = app.page
    await page.select_option("#ui-language", language)
    await expect(page.locator("html")).to_have_attribute("lang", language)
    header = await page.locator("header").bounding_box()
    assert header is not None
    assert header["height"] <= 0.2 * PHONE["height"], header
    await page.locator("#log").scroll_into_view_if_needed()  # the bottom of a long form
    await expect(page.locator("#unsent")).to_be_in_viewport()
    await page.screenshot(path=SCREENSHOTS / f"form-bottom-{language}.png")


async def test_an_account_number_is_checked_by_intakes_rule_and_sent(app: FieldApp) -> None:
    page = app.page
    await page.select_option("#category", "accounts")
    await page.fill("#description", "Bill too high")
    await page.select_option("#area", "east")
    await page.fill("#community", "Khayelitsha")
    await page.fill("#account", "12345")
    await page.click("#log")
    await expect(page.locator("#err-account")).to_have_text("must be 6 to 12 digits")
    await page.fill("#account", "1234 5678")  # as printed on the bill
    async with page.expect_request(lambda r: r.url.endswith("/v1/requests")) as sent:
        await page.click("#log")
    body = (await sent.value).post_data_json
    assert body is not None and body["account_number"] == "12345678"
    await expect(page.locator("#unsent")).to_have_text("0", timeout=30_000)
    assert len(await received(app.db_url)) == 1
