"""An application taken offline in a real browser against the real intake: the catalogue
kept from when the app was online, the indigent-support application's questions and papers
checklist (seen, to be brought or photographed), a wrong answer refused beside its field, a
warning shown for an income over the limit (it never blocks), and the application sent once
when the signal returns, with its answers and papers, then the paper's photo as a document
naming the paper; the receipt says which paper the resident still brings and which was
photographed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect
from sqlalchemy import select

from services.intake import store
from services.intake.attachments.store import attachments
from shared.events import parse_event
from shared.topics import REQUESTS_LOGGED, EventType
from tests.browser.field import (
    PHONE,
    intake_process,
    opened,
    pair,
    pairing_code,
    prepared,
    received,
    unsent,
)
from tests.browser.test_field_app import SCREENSHOTS
from tests.browser.test_field_app_camera import photo
from tests.browser.test_field_app_screens import accessibility_problems
from tests.support.kafka import TopicTail

pytestmark = pytest.mark.e2e
INCOME = (
    "Proof of all household income (payslips, pension or grant letters)"
    " or Sworn affidavit of income (self-employed or unemployed)"
)


async def stored_services(db_url: str) -> list[tuple[str, str | None]]:
    async with opened(db_url) as db, db.reading() as conn:
        rows = await conn.execute(select(store.requests.c.reference, store.requests.c.service))
        return [(reference, service) for reference, service in rows]


async def stored_documents(db_url: str) -> list[tuple[str, str, str | None, int]]:
    async with opened(db_url) as db, db.reading() as conn:
        rows = await conn.execute(
            select(
                attachments.c.reference,
                attachments.c.kind,
                attachments.c.document,
                attachments.c.width,
            )
        )
        return [tuple(row) for row in rows]


async def test_an_application_is_taken_offline_checked_and_sent_once(
    browser: Browser, kafka_bootstrap: str, tmp_path: Path
) -> None:
    db_url = await prepared(tmp_path)
    intake = await intake_process(tmp_path, kafka_bootstrap, db_url)
    context = await browser.new_context(
        viewport=PHONE,
        timezone_id="Africa/Johannesburg",
        bypass_csp=True,  # for axe-core's script only
    )
    page = await context.new_page()
    try:
        await pair(page, await pairing_code(db_url), intake.url)
        await page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        await context.set_offline(True)
        await page.reload()  # the app and the catalogue from the device
        await page.wait_for_selector("#form-view:not([hidden])")

        # The applications are offered after the fault reports, in the same list.
        await expect(page.locator("#category optgroup")).to_have_count(2)
        await page.select_option("#language", "xh")  # the resident's: the help is in it
        await page.select_option("#category", "indigent-support")
        questions = page.locator("#questions")
        await expect(questions.locator("#q-household_income")).to_be_visible()
        await expect(page.locator("label[for=q-erf_number]")).to_have_text(
            "Erf number of the property (required)"
        )
        await expect(page.locator("#help-q-household_income")).to_have_text(
            "Bonke abahlala apho, phambi kokutsalwa; u-0 xa kungekho mntu usebenzayo."
        )
        await page.fill("#q-erf_number", "C 4471")
        await page.check("#q-owns_one_property-true")
        await page.check("#q-lives_in_property-true")
        await page.fill("#q-household_income", "8200")
        await page.fill("#q-household_size", "0")  # a wrong answer: at least 1
        await page.select_option("#q-employment", "unemployed")
        await page.fill("#q-age", "45")
        await page.fill("#q-id_number", "80010150090")  # two digits short
        # An income over R7,500: the agent is told, and may still log it.
        await expect(page.locator("#warnings")).to_have_text(
            "The City may decline: A household income over R7,500 a month is above the "
            "indigent limit."
        )
        # The papers: the ID seen, the bank statements to be brought, the proof of income
        # photographed (made smaller here, as the fault's photos are).
        await page.check("#p-id_document-seen")
        await page.check("#p-bank_statements-will_bring")
        await expect(page.locator("#p-bank_statements legend")).to_contain_text(
            "or Sworn affidavit of having no bank account"
        )
        await page.set_input_files("#f-proof_of_income", photo(1))
        await expect(page.locator("#p-proof_of_income img")).to_have_attribute("alt", INCOME)
        await expect(page.locator("#photo-list img")).to_have_count(0)  # not the fault's
        await expect(page.locator("#photo-count")).to_have_text("0 of 5 photos")
        await page.select_option("#area", "east")
        await page.fill("#community", "Khayelitsha")

        await page.click("#log")
        await expect(page.locator("#err-q-household_size")).to_have_text("must be at least 1")
        await expect(page.locator("#err-q-id_number")).to_be_visible()
        await expect(page.locator("#q-household_size")).to_have_attribute("aria-invalid", "true")
        await expect(page.locator("#receipt")).to_be_hidden()
        assert await accessibility_problems(page, "application form") == []
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for name, top in (
            ("field-application", "category"),
            ("field-application-refused", "q-household_income"),
            ("field-application-papers", "papers-heading"),
        ):  # each at the top of the screen, under the header
            await page.evaluate(
                f"document.getElementById('{top}').scrollIntoView(); window.scrollBy(0, -140)"
            )
            await page.screenshot(path=SCREENSHOTS / f"{name}.png")

        await page.fill("#q-household_size", "4")
        await page.fill("#q-id_number", "8001015009087")
        await page.click("#log")
        await expect(page.locator("#receipt")).to_be_visible()
        reference = (await page.inner_text("#receipt-reference")).replace(" ", "")
        await expect(page.locator("#receipt-missing")).to_have_text(
            "Still to bring: Bank statements of the last 3 months, every account"
            " or Sworn affidavit of having no bank account"
        )
        await expect(page.locator("#receipt-shot")).to_have_text(f"Photographed: {INCOME}")
        await expect(page.locator("#receipt-warnings")).to_contain_text("R7,500")
        assert await unsent(page) == 2  # the application and its paper's photo

        await page.reload()  # kept on the device
        await page.wait_for_selector("#form-view:not([hidden])")
        await expect(page.locator("#questions")).to_be_hidden()  # the next resident's form
        async with TopicTail(kafka_bootstrap, REQUESTS_LOGGED) as logged:
            await context.set_offline(False)
            await page.click("#send-all")
            await page.click("#send-all")  # an impatient agent doubles nothing
            await expect(page.locator("#unsent")).to_have_text("0", timeout=60_000)
            found = await logged.collect(
                lambda r: r.key.decode() == reference, expected=2, timeout=30, settle=2
            )
        assert await received(db_url) == {reference}
        assert await stored_services(db_url) == [(reference, "indigent-support")]
        types = [parse_event(r.value).type for r in found]
        records = [r for r, t in zip(found, types, strict=True) if t == EventType.REQUEST_LOGGED]
        assert len(records) == 1  # sent once
        event = json.loads(records[0].value)["data"]
        # The paper's photo, once, after it: a document naming the paper, at most 2048 px.
        assert types == [EventType.REQUEST_LOGGED, EventType.ATTACHMENT_ADDED]
        added = json.loads(found[1].value)["data"]
        assert (added["kind"], added["document"]) == ("document", "proof_of_income")
        assert await stored_documents(db_url) == [(reference, "document", "proof_of_income", 2048)]
        assert event["service"] == "indigent-support"
        assert event["answers"] == {
            "erf_number": "C 4471",
            "owns_one_property": True,
            "lives_in_property": True,
            "household_income": 8200,
            "household_size": 4,
            "employment": "unemployed",
            "age": 45,
            "id_number": "8001015009087",
        }
        assert event["papers"] == {
            "id_document": "seen",
            "bank_statements": "will_bring",
            "proof_of_income": "seen",
        }

        # Today lists it by the application's name.
        await page.click("#show-outbox")
        row = page.locator(f"#today-list li[data-reference='{reference}']")
        await expect(row).to_contain_text("Indigent support")
        await expect(row).to_have_attribute("data-state", "sent")
    finally:
        await context.close()
        intake.stop()
