"""An SMS gateway down for three minutes (503, with `Retry-After: 30` for the first of them),
then well again, in real time, with notifications on the real broker and store: every
resident's text is delivered once, none given up, and the gateway never sees more texts a
second than the configured pace, during the outage or in the rush after it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from shared.topics import REQUESTS_LOGGED
from tests.support.buses import Bus
from tests.support.clock import WallClock
from tests.support.gateways import sms_gateway
from tests.support.notifications import running_notifications
from tests.support.routing import logged_event

pytestmark = pytest.mark.integration
RESIDENTS = 100
PER_SECOND = 5
OUTAGE_SECONDS = 180.0


def busiest_second(posted_at: list[float]) -> int:
    """The most POSTs in any one second (a window starting at each POST; 50 ms are left for
    the network's jitter between our pacing and the gateway's clock)."""
    return max(sum(1 for t in posted_at if start <= t < start + 0.95) for start in posted_at)


@pytest.mark.timeout(480)
async def test_a_three_minute_outage_loses_and_doubles_nothing(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    events = [logged_event() for _ in range(RESIDENTS)]
    bus = Bus("kafka", bootstrap=kafka_bootstrap)
    async with (
        sms_gateway(down_for=OUTAGE_SECONDS, retry_after_for=60) as gateway,
        running_notifications(
            f"sqlite+aiosqlite:///{tmp_path / 'n.db'}",
            bus=bus,
            clock=WallClock(),
            sms_url=gateway.url,
            quiet_hours="off",
            sms_per_second=PER_SECOND,
            retry_cap_seconds=20,
        ) as service,
    ):
        for event in events:
            await bus.put(service.app, REQUESTS_LOGGED, event)
        for _ in range(int(OUTAGE_SECONDS) + 150):  # seconds
            if len(gateway.accepted) >= RESIDENTS:
                break
            await asyncio.sleep(1)
        await asyncio.sleep(3)  # a second text to anyone would have come by now
        records = [r for e in events for r in await service.sent_for(e.subject)]
    texted = [m["reference"] for m in gateway.accepted]
    refused = gateway.calls - len(gateway.accepted)
    print(
        f"{len(texted)} texts delivered after {refused} refused tries; busiest second at the "
        f"gateway: {busiest_second(gateway.posted_at)} (pace {PER_SECOND}/s)"
    )
    assert sorted(texted) == sorted(e.subject for e in events)  # each once
    assert {r["status"] for r in records} == {"sent"}
    assert refused > 0 and busiest_second(gateway.posted_at) <= PER_SECOND
