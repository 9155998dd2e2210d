"""A resident's corrected number, in notifications' store on SQLite and PostgreSQL: their open
requests, unsent messages, the requests they follow and their subscriptions all reach the new
number, and nothing is left at the old one (a follower row or subscription the new number
already had is kept once)."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select

from services.notifications import store
from services.notifications.privacy.store import correct
from services.notifications.store import followers as followers_table
from shared.contracts.privacy import CorrectionRequested
from shared.store import Database
from tests.integration.test_erasure_stores import KEY, T0, holding, subscription
from tests.integration.test_notifications_retention import contact

pytestmark = pytest.mark.integration

OLD, NEW = "+27821110001", "+27821110003"


def follows(reference: str, phone: str) -> dict[str, str | object]:
    return {
        "reference": reference,
        "channel": "sms",
        "address": phone,
        "language": "en",
        "joined_at": T0,
    }


async def test_a_correction_moves_followers_and_subscriptions(database_url: str) -> None:
    db = Database(database_url)
    await db.create_schema(store.metadata)
    try:
        async with db.transaction() as conn:
            await conn.execute(insert(store.contacts), [contact("5000000001", OLD)])
            await conn.execute(
                insert(followers_table),
                [
                    follows("5000000008", OLD),
                    follows("5000000009", OLD),
                    follows("5000000009", NEW),
                ],
            )
            await conn.execute(insert(store.subscriptions), [subscription("sms", OLD)])
        async with db.transaction() as conn:
            asked = CorrectionRequested(request_id="p-1", phone=OLD, new_phone=NEW, asked_at=T0)
            answer = await correct(conn, asked, T0, KEY)
        assert answer.held["requests followed"] == 2
        assert answer.held["subscriptions"] == 1
        assert await holding(db, store.metadata, OLD[3:]) == []
        async with db.reading() as conn:
            followed = sorted(await conn.scalars(select(followers_table.c.reference)))
            subscribed = list(await conn.scalars(select(store.subscriptions.c.address)))
            phone = await conn.scalar(select(store.contacts.c.phone))
        assert followed == ["5000000008", "5000000009"]
        assert subscribed == [NEW]
        assert phone == NEW
    finally:
        await db.dispose()
