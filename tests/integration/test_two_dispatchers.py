"""Two notifications replicas on one PostgreSQL store and a gateway that takes 15 s per
message: 600 texts, and each Idempotency-Key reaches the gateway exactly once (a lease outlasts
its round, and an outcome is recorded only while the lease is still the replica's)."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from shared.topics import REQUESTS_LOGGED
from tests.support.buses import Bus
from tests.support.clock import WallClock
from tests.support.gateways import sms_gateway
from tests.support.notifications import running_notifications
from tests.support.routing import logged_event

pytestmark = pytest.mark.integration
TEXTS = 600


@pytest.mark.timeout(420)
@pytest.mark.parametrize("make_database", ["postgresql"], indirect=True)
async def test_two_replicas_and_a_slow_gateway_send_each_key_once(
    make_database: Callable[[], Awaitable[str]], kafka_bootstrap: str
) -> None:
    url, bus = await make_database(), Bus("kafka", bootstrap=kafka_bootstrap)
    events = [logged_event() for _ in range(TEXTS)]
    replica: dict[str, Any] = {
        "bus": bus,
        "clock": WallClock(),
        "quiet_hours": "off",
        "sms_per_second": 0,
        "sms_timeout_seconds": 30,  # longer than the gateway takes
    }
    async with sms_gateway(delay=15) as gateway:
        replica["sms_url"] = gateway.url
        async with (
            running_notifications(url, **replica) as one,
            running_notifications(url, **replica),
        ):
            await bus.put(one.app, REQUESTS_LOGGED, *events)
            for _ in range(300):  # seconds
                if len(gateway.accepted) >= TEXTS:
                    break
                await asyncio.sleep(1)
            await asyncio.sleep(20)  # a second send of anything would have come by now
    keys = Counter(gateway.keys)
    print(
        f"{len(keys)} keys at the gateway, {gateway.calls} POSTs, the most for one key: "
        f"{max(keys.values())}"
    )
    assert len(keys) == TEXTS and set(keys.values()) == {1}
    assert sorted(m["reference"] for m in gateway.accepted) == sorted(e.subject for e in events)
