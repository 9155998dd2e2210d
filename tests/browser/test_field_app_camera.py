"""The field app's camera in a real browser against the real intake: three photos taken with
the form while offline, and a fourth still being made smaller when Log is tapped, are made
smaller on the device and go with that request (not the next resident's), kept through a reload,
and reach intake once each when the network returns, counted in "Unsent" until then; a photo
the City refuses says why in the app's language and can be tried again or dropped."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from playwright.async_api import Browser, FilePayload, Page, expect
from sqlalchemy import select

from services.intake.attachments.store import attachments
from tests.browser.field import (
    PHONE,
    intake_process,
    opened,
    pair,
    pairing_code,
    prepared,
    unsent,
)
from tests.browser.test_field_app import SCREENSHOTS
from tests.browser.test_field_app_screens import accessibility_problems

pytestmark = pytest.mark.e2e
COLOURS = ("#b03a2e", "#1f618d", "#1e8449")
# A phone slow to make photos smaller: each photo's decoding waits 1.5 s first.
SLOW_SHRINKING = """() => {
  const decode = window.createImageBitmap;
  window.createImageBitmap = (...args) =>
    new Promise((wait) => setTimeout(wait, 1500)).then(() => decode(...args));
}"""


def photo(number: int, size: tuple[int, int] = (3000, 2000)) -> FilePayload:
    """A JPEG as a phone's camera makes it, larger than the app keeps."""
    image = Image.new("RGB", size, COLOURS[number % len(COLOURS)])
    image.paste("#ffffff", (100 * number, 100, 100 * number + 400, 500))
    data = io.BytesIO()
    image.save(data, "JPEG", quality=90)
    return FilePayload(name=f"IMG_{number}.jpg", mimeType="image/jpeg", buffer=data.getvalue())


async def fill_form(page: Page, description: str, photos: int) -> None:
    await page.click("#show-form")
    await page.select_option("#category", index=1)
    await page.fill("#description", description)
    await page.select_option("#area", "east")
    await page.fill("#community", "Khayelitsha")
    await page.select_option("#language", "xh")
    for number in range(photos):  # one shot at a time, as the camera gives them
        await page.set_input_files("#photo", photo(number))
        await expect(page.locator("#photo-list img")).to_have_count(number + 1)
    await expect(page.locator("#photo-count")).to_have_text(f"{photos} of 5 photos")


async def log(page: Page) -> str:
    await page.click("#log")
    await expect(page.locator("#receipt")).to_be_visible()
    return (await page.inner_text("#receipt-reference")).replace(" ", "")


async def stored_photos(db_url: str, reference: str) -> list[tuple[str, str, int, int]]:
    async with opened(db_url) as db, db.reading() as conn:
        rows = await conn.execute(
            select(
                attachments.c.kind,
                attachments.c.idempotency_key,
                attachments.c.width,
                attachments.c.height,
            ).where(attachments.c.reference == reference)
        )
        return [tuple(row) for row in rows]


async def kept_photo_sizes(page: Page) -> list[list[object]]:
    """The photos the device keeps in its outbox: type and size, read back from IndexedDB."""
    sizes: list[list[object]] = await page.evaluate(
        """() => new Promise((resolve) => {
          indexedDB.open("mobile-office").onsuccess = (event) => {
            const read = event.target.result.transaction("outbox").objectStore("outbox").getAll();
            read.onsuccess = async () => resolve(await Promise.all(read.result.flatMap((item) =>
              item.photos.map(async (p) => {
                const bitmap = await createImageBitmap(p.blob);
                return [p.blob.type, bitmap.width, bitmap.height];
              }))));
          };
        })"""
    )
    return sizes


async def test_photos_taken_offline_survive_a_reload_and_arrive_once_each(
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
        await page.reload()  # from the service worker's cache
        await page.wait_for_selector("#form-view:not([hidden])")

        await fill_form(page, "Burst pipe at the corner, water running", photos=3)
        assert await accessibility_problems(page, "form with photos") == []
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await page.evaluate("document.getElementById('photo').scrollIntoView({block: 'center'})")
        await page.screenshot(path=SCREENSHOTS / "form-photos.png")

        # A fourth still being made smaller (a slow phone) when Log is tapped goes with this
        # request, not with the next resident's.
        await page.evaluate(SLOW_SHRINKING)
        await page.set_input_files("#photo", photo(3))
        reference = await log(page)
        await expect(page.locator("#receipt-photos")).to_have_text("Photos with it: 4 (0 sent).")
        assert await unsent(page) == 5  # the request and its four photos
        await page.screenshot(path=SCREENSHOTS / "receipt-photos.png")
        # Made smaller here: a 3000 x 2000 photo is kept as a JPEG of 2048 x 1365.
        assert await kept_photo_sizes(page) == [["image/jpeg", 2048, 1365]] * 4

        await page.reload()
        await page.wait_for_selector("#form-view:not([hidden])")
        assert await unsent(page) == 5  # kept through the reload
        await expect(page.locator("#photo-list img")).to_have_count(0)  # the next resident's

        await context.set_offline(False)
        await page.click("#send-all")
        await page.click("#send-all")  # an impatient agent doubles nothing
        await expect(page.locator("#unsent")).to_have_text("0", timeout=60_000)
        stored = await stored_photos(db_url, reference)
        assert len(stored) == 4
        assert {kind for kind, *_ in stored} == {"photo"}
        assert len({key for _, key, *_ in stored}) == 4  # each with its own key, once
        assert {(width, height) for *_, width, height in stored} == {(2048, 1365)}
    finally:
        await context.close()
        intake.stop()


async def test_a_refused_photo_says_why_and_can_be_tried_again_or_dropped(
    browser: Browser, kafka_bootstrap: str, tmp_path: Path
) -> None:
    db_url = await prepared(tmp_path)
    intake = await intake_process(tmp_path, kafka_bootstrap, db_url)
    context = await browser.new_context(viewport=PHONE, timezone_id="Africa/Johannesburg")
    page = await context.new_page()
    refusal = {"error": {"code": "unsupported_type", "message": "not a JPEG, PNG, WebP or HEIC"}}

    async def refuse(route):  # type: ignore[no-untyped-def]
        await route.fulfill(status=415, json=refusal)

    try:
        await pair(page, await pairing_code(db_url), intake.url)
        await page.route("**/attachments", refuse)
        await fill_form(page, "Stolen bin, photo of the empty spot", photos=2)
        reference = await log(page)
        problems = page.locator("#receipt-photo-problems")
        await expect(problems.locator("p.error")).to_have_text(
            [
                "Photo 1 was not sent: The City does not take this kind of file.",
                "Photo 2 was not sent: The City does not take this kind of file.",
            ]
        )
        await expect(page.locator("#receipt-photos")).to_have_text("Photos with it: 2 (0 sent).")
        assert await unsent(page) == 2  # the request is sent; its photos are not
        await page.select_option("#ui-language", "af")
        await expect(problems.locator("p.error").first).to_have_text(
            "Foto 1 is nie gestuur nie: Die Stad neem nie hierdie soort lêer nie."
        )
        await page.select_option("#ui-language", "en")

        await page.unroute("**/attachments", refuse)
        grouped = f"{reference[:3]} {reference[3:6]} {reference[6:]}"
        await page.click(f"button[aria-label='Try again: Photo 1, {grouped}']")
        await page.click(f"button[aria-label='Drop photo: Photo 2, {grouped}']")
        await expect(page.locator("#unsent")).to_have_text("0", timeout=30_000)
        await expect(page.locator("#receipt-photos")).to_have_text("Photos with it: 1 (1 sent).")
        await expect(problems.locator("p")).to_have_count(0)
        assert len(await stored_photos(db_url, reference)) == 1
    finally:
        await context.close()
        intake.stop()
