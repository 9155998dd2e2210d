"""Notifications' retention rules, with a controlled clock, on SQLite and PostgreSQL: each kind
of personal detail is there the day before its period ends and gone (or de-identified) the day
after; another resident's details are untouched; the purge counts match what went."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from prometheus_client import CollectorRegistry
from sqlalchemy import insert, select

from services.notifications import store
from services.notifications.reopening.store import note_status
from services.notifications.retention import store as retention
from services.notifications.store import followers as followers_table
from shared.contracts.common import RequestStatus
from shared.contracts.routing import Cause, StatusChanged
from shared.retention import Purger, inbox_rule
from shared.store import Database, as_utc

pytestmark = pytest.mark.integration

T0 = dt.datetime(2030, 1, 6, 9, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


def contact(reference: str, phone: str | None) -> dict[str, Any]:
    return {
        "reference": reference,
        "phone": phone,
        "email": None,
        "language": "en",
        "updates_by": "sms",
        "created_at": T0,
    }


def delivery(id_: str, subject: str, phone: str, status: str = "sent") -> dict[str, Any]:
    return {
        "id": id_,
        "event_id": id_,
        "subject": subject,
        "template": "logged",
        "facts": {"reference": subject},
        "channel": "sms",
        "address": phone,
        "language": "en",
        "status": status,
        "attempts": 1,
        "created_at": T0,
    }


def status(reference: str, new: RequestStatus, at: dt.datetime) -> StatusChanged:
    return StatusChanged(
        reference=reference,
        status=new,
        previous_status=RequestStatus.IN_PROGRESS,
        department="water-and-sanitation",
        cause=Cause.FIXED if new is RequestStatus.RESOLVED else None,
        changed_at=at,
    )


def follower(reference: str, phone: str) -> dict[str, Any]:
    return {
        "reference": reference,
        "channel": "sms",
        "address": phone,
        "language": "en",
        "joined_at": T0,
    }


async def seed(db: Database) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            insert(store.contacts),
            [contact("5000000001", "+27820000001"), contact("5000000002", "+27820000002")],
        )
        await conn.execute(
            insert(store.deliveries),
            [
                delivery("d-closed", "5000000001", "+27820000001"),
                delivery("d-open", "5000000002", "+27820000002"),
                delivery("d-visit", "visit-1", "+27820000003"),
            ],
        )
        subscription = {
            "community_key": "wupperthal",
            "community": "Wupperthal",
            "channel": "sms",
            "language": "en",
            "created_at": T0,
        }
        await conn.execute(
            insert(store.subscriptions),
            [
                {
                    **subscription,
                    "address": "+27820000004",
                    "status": "pending",
                    "unsubscribe_token": "a" * 64,
                },
                {
                    **subscription,
                    "address": "+27820000005",
                    "status": "confirmed",
                    "unsubscribe_token": "b" * 64,
                    "confirmed_at": T0,
                },
            ],
        )
        await conn.execute(
            insert(followers_table),
            [
                follower("5000000001", "+27820000006"),  # closed: goes with its contacts
                follower("5000000002", "+27820000007"),  # open: stays
                follower("5000000099", "+27820000008"),  # its details gone: 90 days after
            ],
        )
        await conn.execute(
            insert(store.inbox), [{"event_id": "e-1", "consumer": "n", "processed_at": T0}]
        )
        # What SMS commands and USSD keep (keyed hashes, public facts): a session and a
        # day's count go within days; a number's language and a finished request's facts
        # stay a year.
        hashed = "h" * 64
        await conn.execute(
            insert(store.ussd_sessions),
            [
                {
                    "session_hash": hashed,
                    "state": "top",
                    "seen": 0,
                    "language": "en",
                    "last_seen": T0,
                }
            ],
        )
        await conn.execute(
            insert(store.answer_counts), [{"phone_hash": hashed, "day": T0.date(), "answered": 3}]
        )
        await conn.execute(
            insert(store.number_languages),
            [{"phone_hash": hashed, "language": "xh", "updated_at": T0}],
        )
        await conn.execute(
            insert(store.request_facts),
            [{"reference": "5000000001", "status": "closed", "language": "en", "changed_at": T0}],
        )
        # Resolved on day 10, reopened on day 12, resolved again on day 20, closed on day 25:
        # the 90 days run from day 20.
        for new, day in (
            (RequestStatus.RESOLVED, 10),
            (RequestStatus.IN_PROGRESS, 12),
            (RequestStatus.RESOLVED, 20),
            (RequestStatus.CLOSED, 25),
        ):
            await note_status(conn, status("5000000001", new, T0 + day * DAY))


async def snapshot(db: Database) -> dict[str, Any]:
    async with db.reading() as conn:
        contacts = set((await conn.execute(select(store.contacts.c.reference))).scalars())
        addresses = {
            row.id: row.address
            for row in await conn.execute(select(store.deliveries.c.id, store.deliveries.c.address))
        }
        subscriptions = set((await conn.execute(select(store.subscriptions.c.address))).scalars())
        inbox = set((await conn.execute(select(store.inbox.c.event_id))).scalars())
        following = set((await conn.execute(select(followers_table.c.address))).scalars())
        languages = len((await conn.execute(select(store.number_languages))).all())
        facts = len((await conn.execute(select(store.request_facts))).all())
    return {
        "contacts": contacts,
        "addresses": addresses,
        "subs": subscriptions,
        "inbox": inbox,
        "followers": following,
        "languages": languages,
        "facts": facts,
    }


async def test_each_detail_stays_its_period_and_not_a_day_longer(database_url: str) -> None:
    db = Database(database_url)
    await db.create_schema(store.metadata)
    await seed(db)
    now = T0
    registry = CollectorRegistry()
    purger = Purger(
        db,
        [*retention.rules(90, 7), inbox_rule(store.inbox, 8 * DAY)],
        lambda: now,
        registry,
        "notifications",
        batch=1,
    )
    try:
        now = T0 + 6 * DAY
        assert await purger.run_once() == {
            "followers": 0,
            "contacts": 0,
            "delivery_addresses": 0,
            "pending_subscriptions": 0,
            "inbound_signatures": 0,
            "ussd_sessions": 1,
            "answer_counts": 1,
            "number_languages": 0,
            "request_facts": 0,
            "processed_event_ids": 0,
        }
        now = T0 + 9 * DAY  # a week for a pending subscription, 8 days for an event id
        assert await purger.run_once() == {
            "followers": 0,
            "contacts": 0,
            "delivery_addresses": 0,
            "pending_subscriptions": 1,
            "inbound_signatures": 0,
            "ussd_sessions": 0,
            "answer_counts": 0,
            "number_languages": 0,
            "request_facts": 0,
            "processed_event_ids": 1,
        }
        now = T0 + (20 + 89) * DAY  # the day before the 90 days from the last resolution
        before = await snapshot(db)
        assert before["contacts"] == {"5000000001", "5000000002"}
        assert before["addresses"]["d-closed"] == "+27820000001"
        # Only the visit news (no request behind it, made on day 0) is past its 90 days.
        assert await purger.run_once() == {
            "followers": 1,
            "contacts": 0,
            "delivery_addresses": 1,
            "pending_subscriptions": 0,
            "inbound_signatures": 0,
            "ussd_sessions": 0,
            "answer_counts": 0,
            "number_languages": 0,
            "request_facts": 0,
            "processed_event_ids": 0,
        }
        now = T0 + (20 + 91) * DAY
        counts = await purger.run_once()
        after = await snapshot(db)
    finally:
        await db.dispose()
    assert counts == {
        "followers": 1,
        "contacts": 1,
        "delivery_addresses": 1,
        "pending_subscriptions": 0,
        "inbound_signatures": 0,
        "ussd_sessions": 0,
        "answer_counts": 0,
        "number_languages": 0,
        "request_facts": 0,
        "processed_event_ids": 0,
    }
    assert after["contacts"] == {"5000000002"}  # the open request keeps its details
    assert after["addresses"] == {"d-closed": None, "d-open": "+27820000002", "d-visit": None}
    assert after["subs"] == {"+27820000005"}  # confirmed: kept until the resident leaves
    assert after["inbox"] == set()
    assert after["followers"] == {"+27820000007"}
    assert (after["languages"], after["facts"]) == (1, 1)  # a year, not 111 days
    purged = {"kind": "delivery_addresses"}
    assert registry.get_sample_value("mo_notifications_purged_total", purged) == 2


async def test_a_reopened_request_keeps_its_details(database_url: str) -> None:
    db = Database(database_url)
    await db.create_schema(store.metadata)
    try:
        async with db.transaction() as conn:
            await conn.execute(insert(store.contacts), [contact("5000000009", "+27820000009")])
            await note_status(conn, status("5000000009", RequestStatus.RESOLVED, T0))
            await note_status(conn, status("5000000009", RequestStatus.IN_PROGRESS, T0 + DAY))
            closed_at = (await conn.execute(select(store.contacts.c.closed_at))).scalar_one()
        assert closed_at is None
        purger = Purger(
            db, retention.rules(90, 7), lambda: T0 + 400 * DAY, CollectorRegistry(), "n"
        )
        assert (await purger.run_once())["contacts"] == 0
        async with db.transaction() as conn:
            await note_status(conn, status("5000000009", RequestStatus.RESOLVED, T0 + 2 * DAY))
            await note_status(conn, status("5000000009", RequestStatus.CLOSED, T0 + 9 * DAY))
            closed_at = (await conn.execute(select(store.contacts.c.closed_at))).scalar_one()
        assert as_utc(closed_at) == T0 + 2 * DAY  # closing keeps the day the work ended
    finally:
        await db.dispose()
