"""A request logged and moved along on the bus (in memory and on the real broker, on SQLite
and PostgreSQL) is what a resident's STATUS by SMS and the USSD menu answer: notifications
learns it from the events alone, and the answer reaches the gateway."""

from __future__ import annotations

import pytest

from shared.reference import format_for_reading
from shared.topics import REQUESTS_LOGGED, REQUESTS_ROUTED, REQUESTS_STATUS
from tests.support.buses import Bus
from tests.support.gateways import sms_gateway
from tests.support.notifications import PHONE, logged, routed, running_notifications, status
from tests.support.waiting import eventually_async

pytestmark = pytest.mark.integration


async def test_status_by_sms_and_by_ussd_follow_the_bus(database_url: str, bus: Bus) -> None:
    event = logged(language="en")
    reference = event.subject
    async with (
        sms_gateway() as gateway,
        running_notifications(database_url, bus=bus, sms_url=gateway.url) as service,
    ):
        await bus.put(service.app, REQUESTS_LOGGED, event)
        await bus.put(service.app, REQUESTS_ROUTED, routed(reference))
        await bus.put(service.app, REQUESTS_STATUS, status(reference, "in_progress"))
        # The updates reach the resident: by then their events were taken.
        await eventually_async(lambda: len(gateway.accepted) >= 2)

        assert (await service.reply(PHONE, f"STATUS {reference}")).json() == {"action": "answered"}
        expected = f"Ref {format_for_reading(reference)}: being worked on."
        await eventually_async(lambda: any(expected in m["text"] for m in gateway.accepted))

        assert (await service.ussd("bus-1", PHONE, "")).text.startswith("CON Mobile Office")
        answer = await service.ussd("bus-1", PHONE, f"1*{reference}")
        assert answer.text.startswith(f"END {expected}")
        assert "Water & Sanitation" in answer.text
