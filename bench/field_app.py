"""The field app on a rural link: Debian's Chromium with Chrome's network conditions at
400 kbit/s each way and 400 ms of latency, against one intake process on the real broker.
First load (to the pairing screen, and until the service worker holds the shell), the shell's
bytes over the wire, a start with no network from the cache, and the time for 50 requests
queued offline to be accepted once the network returns."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from playwright.async_api import CDPSession, Page, expect

from bench.common import scratch, stop, write
from bench.intake import start_intake
from services.intake.deps import tool_deps
from services.intake.devices import handlers as devices
from shared.store import Database
from tests.browser.field import PHONE, chromium, log_request, pair

QUEUED = 50
KBIT = 1000 / 8  # bytes per second
RURAL = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 400 * KBIT,
    "uploadThroughput": 400 * KBIT,
}
NO_SIGNAL = {**RURAL, "offline": True}


async def _code(workdir: Path) -> str:
    db = Database(f"sqlite+aiosqlite:///{workdir / 'intake.db'}")
    try:
        return await devices.new_pairing_code("bench-agent", db, tool_deps())
    finally:
        await db.dispose()


class Wire:
    """What the page fetched under /field/, in bytes as they crossed the (emulated) wire."""

    def __init__(self, cdp: CDPSession) -> None:
        self.urls: dict[str, str] = {}
        self.sizes: dict[str, float] = {}
        cdp.on("Network.responseReceived", self._received)
        cdp.on("Network.loadingFinished", self._finished)

    def _received(self, event: dict[str, Any]) -> None:
        self.urls[event["requestId"]] = event["response"]["url"]

    def _finished(self, event: dict[str, Any]) -> None:
        self.sizes[event["requestId"]] = event["encodedDataLength"]

    def shell_bytes(self) -> int:
        return int(
            sum(size for rid, size in self.sizes.items() if "/field/" in self.urls.get(rid, ""))
        )


async def _seconds_until_visible(page: Page, selector: str, started: float) -> float:
    await expect(page.locator(selector)).to_be_visible(timeout=60_000)
    return round(time.perf_counter() - started, 2)


async def _measure(workdir: Path, bootstrap: str) -> dict[str, Any]:
    process, url, _ = await start_intake(workdir, bootstrap)
    try:
        async with chromium() as browser:
            context = await browser.new_context(viewport=PHONE)
            page = await context.new_page()
            cdp = await context.new_cdp_session(page)
            await cdp.send("Network.enable")
            await cdp.send("Network.emulateNetworkConditions", RURAL)
            wire = Wire(cdp)

            started = time.perf_counter()
            await page.goto(f"{url}/field/")
            first_load = await _seconds_until_visible(page, "#pair", started)
            await page.evaluate("navigator.serviceWorker.ready.then(() => true)")
            offline_ready = round(time.perf_counter() - started, 2)
            shell = wire.shell_bytes()
            await pair(page, await _code(workdir))

            # No signal, and no intake either: whatever opens now opens from the device.
            await cdp.send("Network.emulateNetworkConditions", NO_SIGNAL)
            stop(process)
            started = time.perf_counter()
            await page.reload()
            offline_start = await _seconds_until_visible(page, "#form-view", started)
            for number in range(QUEUED):
                await log_request(page, number % 11, f"Queued on a rural link {number}")
            assert await page.inner_text("#unsent") == str(QUEUED)

            process, url, _ = await _restart(workdir, bootstrap, url)
            started = time.perf_counter()
            await cdp.send("Network.emulateNetworkConditions", RURAL)  # the signal returns
            await expect(page.locator("#unsent")).to_have_text("0", timeout=120_000)
            sent = round(time.perf_counter() - started, 2)
            await context.close()
    finally:
        stop(process)
    return {
        "first_load_s": first_load,
        "offline_ready_s": offline_ready,
        "shell_bytes": shell,
        "offline_start_s": offline_start,
        "queued": QUEUED,
        "queued_sent_s": sent,
    }


async def _restart(workdir: Path, bootstrap: str, url: str) -> Any:
    """Intake again on the same store and port: the app knows one origin."""
    port = url.rsplit(":", 1)[1]
    return await start_intake(workdir, bootstrap, port=int(port), fresh=False)


async def run(bootstrap: str) -> dict[str, Any]:
    with scratch("field") as workdir:
        measured = await _measure(workdir, bootstrap)
    figures = {
        **measured,
        "network": "400 kbit/s each way, 400 ms latency (Chrome's network conditions)",
        "targets": {
            "shell_bytes": "< 200000",
            "first_load_s": "< 5",
            "offline_start_s": "< 1",
            "queued_sent_s": "< 20",
        },
    }
    path = write("field_app", figures)
    print(f"field app: {measured}  ({path})")
    await asyncio.sleep(0)
    return figures
