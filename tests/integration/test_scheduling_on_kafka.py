"""Scheduling on the real broker, on SQLite and on PostgreSQL; its announcements reaching a
subscriber through notifications."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from tests.support.gateways import sms_gateway
from tests.support.notifications import running_notifications
from tests.support.scheduling import running_scheduling

pytestmark = pytest.mark.integration


async def test_a_subscriber_hears_of_a_visit_to_their_community(
    make_database: Callable[[], Awaitable[str]], kafka_bootstrap: str
) -> None:
    scheduling_db, notifications_db = await make_database(), await make_database()
    async with (
        sms_gateway() as gateway,
        running_notifications(
            notifications_db, kafka_bootstrap, sms_url=gateway.url, quiet_hours="off"
        ) as notifications,
        running_scheduling(scheduling_db, kafka_bootstrap) as scheduling,
    ):
        # One resident subscribed to every community (the plan decides which are visited).
        areas = (await scheduling.client.get("/v1/areas")).json()
        for community in [c["name"] for a in areas for c in a["communities"]]:
            subscribed = await notifications.client.post(
                "/v1/subscriptions",
                json={"community": community, "phone": "0825550199", "language": "af"},
            )
            assert subscribed.status_code == 201
        visits = (await scheduling.plan("2029-07")).json()["visits"]
        for _ in range(300):
            if len(gateway.accepted) >= len(visits):
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(1)
    texts = sorted(m["text"] for m in gateway.accepted)
    expected = sorted(f"Mobiele Kantoor besoek {v['community']} op " for v in visits)
    assert len(texts) == len(visits)
    assert all(t.startswith(e) for t, e in zip(texts, expected, strict=True))
    assert all(v["venue"] in " ".join(texts) for v in visits)
