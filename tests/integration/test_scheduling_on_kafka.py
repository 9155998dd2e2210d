"""Scheduling's announcements reaching a confirmed subscriber through notifications, on the
real broker, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from tests.support.gateways import sms_gateway
from tests.support.notifications import running_notifications
from tests.support.scheduling import running_scheduling
from tests.support.waiting import eventually_async

pytestmark = pytest.mark.integration


async def test_a_confirmed_subscriber_hears_of_visits_to_their_communities(
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
        visits = (await scheduling.plan("2029-07")).json()["visits"]
        chosen = list({v["community"]: v for v in visits}.values())[:3]
        for visit in chosen:
            subscribed = await notifications.client.post(
                "/v1/subscriptions",
                json={"community": visit["community"], "phone": "0825550199", "language": "af"},
            )
            assert subscribed.status_code == 202
        await eventually_async(
            lambda: len(gateway.accepted) == 3
        )  # the three confirmation requests
        assert (await notifications.reply("0825550199", "YES")).json()["action"] == "subscribed"
        for visit in chosen:
            cancelled = await scheduling.operate(
                f"/v1/visits/{visit['id']}/cancel", {"reason": "hall flooded"}
            )
            assert cancelled.status_code == 200
        await eventually_async(lambda: len(cancellations(gateway.accepted)) == 3)
        await asyncio.sleep(1)  # a duplicate would have come by now
    # (The plan's own announcements may reach them too, if notifications read them after the
    # YES: the bus does not promise which comes first.)
    news = sorted(cancellations(gateway.accepted))
    expected = sorted(f"Mobiele Kantoor se besoek aan {v['community']} op " for v in chosen)
    assert len(news) == 3
    assert all(t.startswith(e) for t, e in zip(news, expected, strict=True))


def cancellations(sent: list[dict[str, str]]) -> list[str]:
    return [m["text"] for m in sent if "gekanselleer" in m["text"]]
