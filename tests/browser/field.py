"""What the field app's browser tests share: an intake store with an agent, a real intake
process on the real broker, and the agent's steps in the app (pair, log a request)."""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from playwright.async_api import Browser, Page, ViewportSize, async_playwright, expect
from sqlalchemy import update

from services.intake import store
from services.intake.deps import tool_deps
from services.intake.devices import handlers as devices
from services.intake.devices.store import devices as device_table
from services.intake.devices.store import leases
from services.intake.visits import store as visit_store
from shared.clock import CAPE_TOWN
from shared.contracts.common import Area, RequestStatus
from shared.contracts.visits import VisitScheduled
from shared.credentials import Role
from shared.store import Database
from shared.topics import REQUESTS_ROUTED, REQUESTS_STATUS, VISITS
from tests.support.kafka import fresh_group
from tests.support.processes import ServiceProcess
from tests.support.tokens import issue

AGENT = "thandi"
PHONE = ViewportSize(width=360, height=740)
VISIT = "khayelitsha-today"


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    """Debian's Chromium (Playwright's own download cannot reach the internet here)."""
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=shutil.which("chromium"), args=["--no-sandbox"]
        )
        try:
            yield launched
        finally:
            await launched.close()


@asynccontextmanager
async def opened(db_url: str) -> AsyncIterator[Database]:
    db = Database(db_url)
    try:
        yield db
    finally:
        await db.dispose()


async def prepared(tmp_path: Path, visit_today: bool = False) -> str:
    """An intake store with a field agent (and today's visit to Khayelitsha): its URL."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'intake.db'}"
    async with opened(url) as db:
        await db.create_schema(store.metadata)
        await issue(db, store.credentials, AGENT, Role.FIELD_AGENT)
        if visit_today:
            today = dt.datetime.now(CAPE_TOWN).replace(second=0, microsecond=0)
            visit = VisitScheduled(
                visit_id=VISIT,
                area=Area.EAST,
                community="Khayelitsha",
                venue="Site C community hall",
                date=today.date(),
                starts_at=today.replace(hour=9, minute=0),
                ends_at=today.replace(hour=15, minute=0),
                team="east-1",
            )
            async with db.transaction() as conn:
                await visit_store.remember_scheduled(conn, visit)
    return url


async def pairing_code(db_url: str) -> str:
    async with opened(db_url) as db:
        return await devices.new_pairing_code(AGENT, db, tool_deps())


async def expire_devices(db_url: str) -> None:
    async with opened(db_url) as db, db.transaction() as conn:
        past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
        await conn.execute(update(device_table).values(expires_at=past))


async def revoke_devices(db_url: str) -> None:
    async with opened(db_url) as db:
        async with db.reading() as conn:
            ids = list(
                await conn.scalars(device_table.select().with_only_columns(device_table.c.id))
            )
        for device_id in ids:
            await devices.revoke(device_id, db, tool_deps())


async def working_devices(db_url: str) -> int:
    """How many paired devices the server still takes requests from."""
    async with opened(db_url) as db, db.reading() as conn:
        rows = await conn.execute(device_table.select().where(device_table.c.revoked_at.is_(None)))
        return len(rows.all())


async def numbers_leased(db_url: str) -> set[str]:
    async with opened(db_url) as db, db.reading() as conn:
        return set(await conn.scalars(leases.select().with_only_columns(leases.c.reference)))


async def received(db_url: str) -> set[str]:
    """The references of the requests intake has stored."""
    async with opened(db_url) as db, db.reading() as conn:
        column = store.requests.c.reference
        return set(await conn.scalars(store.requests.select().with_only_columns(column)))


async def agent_token(db_url: str) -> str:
    """The agent's own credential (not a device's), as deploy.credentials prints it."""
    async with opened(db_url) as db:
        return await issue(db, store.credentials, AGENT, Role.FIELD_AGENT)


async def resolve(db_url: str, reference: str) -> None:
    """The request resolved, as intake records it when routing says so."""
    async with opened(db_url) as db, db.transaction() as conn:
        step = store.Step(RequestStatus.RESOLVED, dt.datetime.now(dt.UTC), cause="fixed")
        assert await store.apply_status(conn, reference, step)


async def intake_process(tmp_path: Path, kafka_bootstrap: str, db_url: str) -> ServiceProcess:
    group = await fresh_group(
        kafka_bootstrap, REQUESTS_ROUTED, REQUESTS_STATUS, VISITS, owner="intake"
    )
    intake = ServiceProcess(
        "intake",
        {
            "MO_INTAKE_DATABASE_URL": db_url,
            "MO_KAFKA_BOOTSTRAP": kafka_bootstrap,
            "MO_INTAKE_CONSUMER_GROUP": group,
            "MO_INTAKE_ATTACHMENTS_FOLDER": str(tmp_path / "attachments"),  # photos' bytes
        },
        tmp_path / "intake.log",
    )
    await asyncio.to_thread(intake.start)
    return intake


async def pair(page: Page, code: str, url: str | None = None) -> None:
    """Types the office's code; the app gets its credential, a lease (unless it still holds
    enough numbers, paired again) and the lists."""
    if url is not None:
        await page.goto(f"{url}/field/")
    await page.fill("#pair-code", code)
    if url is None:
        await page.click("#pair-form button[type=submit]")
    else:
        async with page.expect_response(lambda r: r.url.endswith("/references")) as lease:
            await page.click("#pair-form button[type=submit]")
        assert (await lease.value).status == 201
    await expect(page.locator("#form-view")).to_be_visible()
    await expect(page.locator("#category option")).not_to_have_count(0)


async def log_request(
    page: Page,
    category: str | int,
    description: str,
    *,
    language: str = "en",
    phone: str | None = None,
    screenshot: Path | None = None,
) -> str:
    """Fills the form as an agent does and logs it: the number shown, without spaces."""
    await page.click("#show-form")
    if isinstance(category, int):
        await page.select_option("#category", index=category + 1)  # the first: "Choose one"
    else:
        await page.select_option("#category", category)
    await page.fill("#description", description)
    await page.select_option("#area", "east")
    await page.fill("#community", "Khayelitsha")
    await page.select_option("#language", language)
    if phone is not None:
        await page.check("#notice-given")
        await page.select_option("#updates-by", "sms")
        await page.fill("#phone", phone)
    if screenshot is not None:
        await page.screenshot(path=screenshot, full_page=True)
    await page.click("#log")
    await expect(page.locator("#receipt")).to_be_visible()
    return (await page.inner_text("#receipt-reference")).replace(" ", "")


async def unsent(page: Page) -> int:
    return int(await page.inner_text("#unsent"))
