"""The dispatcher's rules on their own: retries by time within a budget and never sooner than
the gateway's Retry-After; the pace of the SMS gateway; and an outcome recorded only while
the delivery's lease is still the recording dispatcher's."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import time
from pathlib import Path
from typing import Any, cast

import pytest
from sqlalchemy import select

from services.notifications import store
from services.notifications.channels.domain import Channel, SendError, retry_after_seconds
from services.notifications.deliveries import store as delivery_store
from services.notifications.deliveries.domain import (
    DeliveryStatus,
    GiveUp,
    NewDelivery,
    Outcome,
    Retry,
    Send,
    after_failure,
)
from services.notifications.deliveries.handlers import RecordOutcomes, record_outcomes
from services.notifications.deliveries.worker import Pace
from services.notifications.deps import NotificationsDeps
from services.notifications.messages.domain import MessageFacts
from services.notifications.messages.texts import Template
from services.notifications.metrics import NotificationMetrics
from shared.contracts.common import Language
from shared.metrics import new_registry
from shared.store import Database

T0 = dt.datetime(2030, 3, 1, 7, 0, tzinfo=dt.UTC)
BUDGET = dt.timedelta(hours=6)


def test_a_gateway_outage_is_waited_out_by_time_not_by_count() -> None:
    now, attempts, tries = T0, 0, []
    while isinstance(verdict := after_failure(attempts + 1, True, now, T0 + BUDGET), Retry):
        attempts += 1
        tries.append(verdict.at)
        assert verdict.at - now <= dt.timedelta(seconds=300)  # the cap between two tries
        now = verdict.at
    assert attempts > 60  # six hours of tries, not five
    assert tries[-1] == T0 + BUDGET and verdict == GiveUp("exhausted")
    assert after_failure(3, True, T0, T0 + BUDGET, max_attempts=3) == GiveUp("exhausted")
    assert after_failure(1, False, T0, T0 + BUDGET) == GiveUp("refused")


def test_the_gateways_retry_after_is_honoured() -> None:
    verdict = after_failure(1, True, T0, T0 + BUDGET, retry_after=30)
    assert isinstance(verdict, Retry) and verdict.at >= T0 + dt.timedelta(seconds=30)
    assert retry_after_seconds("30", T0) == 30
    assert retry_after_seconds("Fri, 01 Mar 2030 07:02:00 GMT", T0) == 120
    assert retry_after_seconds("99999", T0) == 3600  # at most an hour
    assert retry_after_seconds("soon", T0) is None and retry_after_seconds(None, T0) is None


async def test_the_pace_spaces_sends_and_a_pause_holds_them() -> None:
    pace = Pace(per_second=50)
    began = time.monotonic()
    for _ in range(26):
        await pace.wait()
    assert time.monotonic() - began >= 0.49  # 25 gaps of 20 ms
    pace.pause(0.3)
    paused = time.monotonic()
    await pace.wait()
    assert time.monotonic() - paused >= 0.29


async def test_a_late_wake_up_does_not_bunch_the_sends_behind_it() -> None:
    pace = Pace(per_second=10)
    sent: list[float] = []

    async def send() -> None:
        await pace.wait()
        sent.append(time.monotonic())

    sends = [asyncio.create_task(send()) for _ in range(4)]
    await asyncio.sleep(0.02)  # the first has gone, the others wait their turn
    time.sleep(0.35)  # noqa: ASYNC251 (a busy event loop: every waiter wakes late)
    await asyncio.gather(*sends)
    gaps = [later - earlier for earlier, later in itertools.pairwise(sent)]
    assert min(gaps) >= 0.099, gaps


@pytest.fixture
async def db(tmp_path: Path) -> Database:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'n.db'}")
    await database.create_schema(store.metadata)
    facts = MessageFacts(reference="5123456784")
    new = NewDelivery(
        "e1", "5123456784", Template.LOGGED, facts, DeliveryStatus.PENDING,
        Channel.SMS, "+27825550199", Language.EN,
    )  # fmt: skip
    async with database.transaction() as conn:
        await delivery_store.add(conn, [new], T0)
    return database


async def test_an_outcome_after_the_lease_passed_to_another_is_not_recorded(
    db: Database,
) -> None:
    minute = dt.timedelta(minutes=1)
    async with db.transaction() as conn:
        [slow] = await delivery_store.claim_due(
            conn, T0, lambda _: T0 + minute, 10, False, "replica-a"
        )
    async with db.transaction() as conn:  # replica a's lease ran out; b takes the delivery
        [taken] = await delivery_store.claim_due(
            conn, T0 + 2 * minute, lambda _: T0 + 3 * minute, 10, False, "replica-b"
        )
    async with db.transaction() as conn:
        assert await delivery_store.mark_sent(conn, [slow], T0, "replica-a") == 0
        assert await delivery_store.give_up(conn, slow, "late", "replica-a") == 0
        assert await delivery_store.mark_sent(conn, [taken], T0, "replica-b") == 1
    async with db.reading() as conn:
        row = (await conn.execute(select(store.deliveries))).one()
    assert (row.status, row.attempts, row.lease_owner) == ("sent", 1, None)
    await db.dispose()


async def test_a_late_outcome_changes_nothing_and_publishes_nothing(db: Database) -> None:
    minute = dt.timedelta(minutes=1)
    async with db.transaction() as conn:
        [slow] = await delivery_store.claim_due(
            conn, T0, lambda _: T0 + minute, 10, False, "replica-a"
        )
        await delivery_store.claim_due(
            conn, T0 + 2 * minute, lambda _: T0 + 3 * minute, 10, False, "replica-b"
        )
    registry = new_registry()
    metrics = NotificationMetrics(registry)
    deps = NotificationsDeps(
        clock=lambda: T0 + 2 * minute,
        outbox=store.outbox,
        wake=lambda: None,
        public_url="http://127.0.0.1:8003",
        identifiers=cast(Any, None),
        metrics=metrics,
        audit=cast(Any, None),
        catalogue=cast(Any, None),
    )
    late = [Outcome(slow, Send()), Outcome(slow, Send(), SendError("503"))]
    await record_outcomes(RecordOutcomes(late, "replica-a", lock=False), db, deps)
    async with db.reading() as conn:
        row = (await conn.execute(select(store.deliveries))).one()
        published = (await conn.execute(select(store.outbox.table))).all()
    assert (row.status, row.lease_owner) == ("pending", "replica-b") and published == []
    assert registry.get_sample_value("mo_notifications_late_outcomes_total") == 2
    await db.dispose()
