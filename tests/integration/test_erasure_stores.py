"""A resident's erasure in each store that can hold them, on SQLite and PostgreSQL: afterwards
no text or JSON column of any table holds their number, another resident's rows are as they
were, a STOP they sent is still honoured, and their request still exists without them (the
four services on the real broker: tests/e2e/test_privacy_journey.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import JSON, MetaData, String, Text, cast, func, insert, select, update

from services.intake import store as intake_store
from services.notifications import store as notifications_store
from services.notifications.inbound import store as opt_outs
from services.notifications.privacy.store import erase
from services.notifications.store import followers as followers_table
from services.routing import store as routing_store
from services.routing.privacy import store as routing_privacy
from shared.contracts.privacy import ErasureRequested
from shared.identifiers import IdentifierKey
from shared.retention import deidentify
from shared.store import Database
from tests.integration.test_notifications_retention import contact, delivery
from tests.integration.test_request_details_retention import (
    intake_history,
    intake_row,
    routing_history,
    routing_row,
)
from tests.support.processes import IDENTIFIER_KEY

pytestmark = pytest.mark.integration

T0 = dt.datetime(2030, 1, 6, 9, 0, tzinfo=dt.UTC)
MINE, THEIRS = "+27821110001", "+27821110002"
KEY = IdentifierKey(IDENTIFIER_KEY)


async def holding(db: Database, metadata: MetaData, needle: str) -> list[str]:
    """Every text or JSON column of every table that holds `needle`."""
    found = []
    async with db.reading() as conn:
        for table in metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, String | Text | JSON):
                    query = select(func.count()).where(cast(column, Text).like(f"%{needle}%"))
                    if (await conn.execute(query.select_from(table))).scalar_one():
                        found.append(f"{table.name}.{column.name}")
    return found


async def test_notifications_keeps_nothing_of_an_erased_resident(database_url: str) -> None:
    db = Database(database_url)
    await db.create_schema(notifications_store.metadata)
    try:
        async with db.transaction() as conn:
            await conn.execute(
                insert(notifications_store.contacts),
                [contact("5000000001", MINE), contact("5000000002", THEIRS)],
            )
            await conn.execute(
                insert(notifications_store.deliveries),
                [
                    delivery("d-1", "5000000001", MINE, "pending"),
                    delivery("d-2", "5000000002", THEIRS),
                ],
            )
            await conn.execute(
                insert(followers_table),
                [
                    {
                        "reference": "5000000009",
                        "channel": "sms",
                        "address": MINE,
                        "language": "en",
                        "joined_at": T0,
                    }
                ],
            )
            await opt_outs.stop(conn, KEY, MINE, T0)
        assert await holding(db, notifications_store.metadata, MINE[3:])  # the search works
        theirs_before = await holding(db, notifications_store.metadata, THEIRS[3:])
        async with db.transaction() as conn:
            answer = await erase(
                conn, ErasureRequested(request_id="p-1", phone=MINE, asked_at=T0), T0, KEY
            )
        assert answer.references == ["5000000001", "5000000009"]
        assert answer.held["contact details of requests"] == 1
        assert answer.held["unsent messages stopped"] == 1
        assert await holding(db, notifications_store.metadata, MINE[3:]) == []
        assert await holding(db, notifications_store.metadata, THEIRS[3:]) == theirs_before
        async with db.reading() as conn:
            assert await opt_outs.stopped_among(conn, KEY, [MINE, THEIRS]) == {MINE}
    finally:
        await db.dispose()


def said_in_history(reference: str, words: str) -> list[dict[str, Any]]:
    """Steps in intake's and routing's histories with the resident's number in their notes."""
    return [
        {"reference": reference, "status": "resolved", "at": T0, "note": words},
        {"reference": reference, "status": "in_progress", "at": T0, "note": f"reopened: {words}"},
    ]


async def test_intake_and_routing_keep_the_request_without_the_person(
    make_database: Callable[[], Awaitable[str]],
) -> None:
    said = f"Leak at my gate, call {MINE} if it is locked"
    for store, row, details, history in (
        (intake_store, intake_row, intake_store.RESIDENT_DETAILS, intake_history),
        (routing_store, routing_row, routing_privacy.RESIDENT_DETAILS, routing_history),
    ):
        db = Database(await make_database())  # each service's own store, as deployed
        await db.create_schema(store.metadata)
        try:
            async with db.transaction() as conn:
                await conn.execute(
                    insert(store.requests),
                    [
                        {**row("5000000001", "in_progress"), "description": said},
                        {**row("5000000002", "in_progress"), "description": THEIRS},
                    ],
                )
                await conn.execute(
                    insert(details.history),
                    [
                        *history(said_in_history("5000000001", said)),
                        *history(said_in_history("5000000002", THEIRS)),
                    ],
                )
                if "cause_detail" in store.requests.c:
                    await conn.execute(
                        update(store.requests)
                        .where(store.requests.c.reference == "5000000001")
                        .values(cause_detail=f"Mr Jacobs {MINE} would not open the gate")
                    )
            theirs_before = await holding(db, store.metadata, THEIRS[3:])
            async with db.transaction() as conn:
                assert await deidentify(conn, details, ["5000000001"]) == 1
            assert await holding(db, store.metadata, MINE[3:]) == []
            assert await holding(db, store.metadata, THEIRS[3:]) == theirs_before
            async with db.reading() as conn:
                kept: Any = (
                    await conn.execute(
                        select(store.requests).where(store.requests.c.reference == "5000000001")
                    )
                ).one()
                steps = list(await conn.scalars(select(details.history.c.status)))
            assert (kept.category, kept.community, kept.status) == (
                "water",
                "Wupperthal",
                "in_progress",
            )
            assert len(steps) == 4  # that each step happened stays
        finally:
            await db.dispose()


async def test_an_address_stored_in_capitals_is_erased_too(database_url: str) -> None:
    """Addresses stored before e-mails were normalised where they enter may hold capitals."""
    stored, asked = "Nomsa.Dlamini@example.org", "nomsa.dlamini@example.org"
    db = Database(database_url)
    await db.create_schema(notifications_store.metadata)
    try:
        async with db.transaction() as conn:
            await conn.execute(
                insert(notifications_store.contacts),
                [{**contact("5000000001", None), "email": stored, "updates_by": "email"}],
            )
            await conn.execute(
                insert(followers_table),
                [
                    {
                        "reference": "5000000009",
                        "channel": "email",
                        "address": stored,
                        "language": "en",
                        "joined_at": T0,
                    }
                ],
            )
            await conn.execute(
                insert(notifications_store.subscriptions),
                [subscription("email", stored)],
            )
        async with db.transaction() as conn:
            answer = await erase(
                conn, ErasureRequested(request_id="p-1", email=asked, asked_at=T0), T0, KEY
            )
        assert answer.references == ["5000000001", "5000000009"]
        assert await holding(db, notifications_store.metadata, "lamini@") == []
    finally:
        await db.dispose()


def subscription(channel: str, address: str) -> dict[str, Any]:
    return {
        "community_key": "wupperthal",
        "community": "Wupperthal",
        "channel": channel,
        "address": address,
        "language": "en",
        "status": "confirmed",
        "unsubscribe_token": address.encode().hex()[:64],
        "created_at": T0,
    }
