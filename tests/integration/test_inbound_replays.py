"""A signed reply is taken once by the whole service: two replicas on one store, or one
restarted, refuse its replay while it is still fresh; the store forgets the signature once a
replay could no longer pass as fresh."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import func, select

from services.notifications import store
from services.notifications.inbound.domain import KEEP_SIGNATURES
from tests.support.clock import Clock
from tests.support.fakes import FakePublisher
from tests.support.notifications import PHONE, running_notifications, signed_reply

pytestmark = pytest.mark.integration


async def test_a_reply_taken_by_one_replica_is_refused_by_the_other_and_after_a_restart(
    make_database: Callable[[], Awaitable[str]],
) -> None:
    url, clock = await make_database(), Clock()
    body, headers = signed_reply(PHONE, "START", clock())
    async with (
        running_notifications(url, publisher=FakePublisher(), clock=clock) as one,
        running_notifications(url, publisher=FakePublisher(), clock=clock) as two,
    ):
        taken = await one.client.post("/v1/sms/inbound", content=body, headers=headers)
        assert taken.json() == {"action": "started"}
        replayed = await two.client.post("/v1/sms/inbound", content=body, headers=headers)
        assert replayed.status_code == 401
        assert replayed.json()["error"]["code"] == "replayed"
    async with running_notifications(url, publisher=FakePublisher(), clock=clock) as restarted:
        again = await restarted.client.post("/v1/sms/inbound", content=body, headers=headers)
        assert again.status_code == 401 and again.json()["error"]["code"] == "replayed"

        clock.now += KEEP_SIGNATURES  # still kept: the retention job keeps it this long
        assert (await restarted.app.state.purger.run_once())["inbound_signatures"] == 0
        clock.now += KEEP_SIGNATURES
        assert (await restarted.app.state.purger.run_once())["inbound_signatures"] == 1
        async with restarted.app.state.db.reading() as conn:
            kept = await conn.scalar(select(func.count()).select_from(store.inbound_signatures))
    assert kept == 0
