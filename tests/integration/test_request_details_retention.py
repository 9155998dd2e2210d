"""Descriptions and exact places of finished requests, in intake's and routing's stores, with a
controlled clock on SQLite and PostgreSQL: kept two years after the request is resolved or
closed, then replaced by its category and community; an open request keeps its own; that
the request existed, and where in the city, stays."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from prometheus_client import CollectorRegistry
from sqlalchemy import Table, insert, select

from services.intake import store as intake_store
from services.routing import store as routing_store
from services.routing.privacy import store as routing_privacy
from shared.retention import Purger, ResidentDetails, closed_request_details_rule
from shared.store import Database

pytestmark = pytest.mark.integration

T0 = dt.datetime(2030, 1, 6, 9, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
WHERE = {"area": "north", "community": "Wupperthal"}
EXACT = {**WHERE, "address": "12 Church St", "lat": -32.27, "lon": 19.22}


def intake_row(reference: str, status: str) -> dict[str, Any]:
    return {
        "reference": reference,
        "category": "water",
        **WHERE,
        "status": status,
        "description": "Burst pipe outside Mrs Jacobs' house",
        "lat": -32.27,
        "lon": 19.22,
        "agent": "thandi",
        "created_at": T0,
        "updated_at": T0,
    }


def routing_row(reference: str, status: str) -> dict[str, Any]:
    return {
        "reference": reference,
        "category": "water",
        **WHERE,
        "status": status,
        "description": "Burst pipe outside Mrs Jacobs' house",
        "location": EXACT,
        "resident_contactable": True,
        "logged_at": T0,
        "updated_at": T0,
    }


def intake_history(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Intake's history rows: a cause's detail beside each note."""
    return [{**step, "cause_detail": step["note"]} for step in steps]


def routing_history(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Routing's history rows: who wrote each note."""
    return [{**step, "by": "water-and-sanitation"} for step in steps]


History = Callable[[list[dict[str, Any]]], list[dict[str, Any]]]
STORES: dict[str, tuple[Any, Callable[[str, str], dict[str, Any]], ResidentDetails, History]] = {
    "intake": (intake_store, intake_row, intake_store.RESIDENT_DETAILS, intake_history),
    "routing": (routing_store, routing_row, routing_privacy.RESIDENT_DETAILS, routing_history),
}
NOTE = "Mrs Jacobs (082 555 0199) says the fix did not hold"


def notes(reference: str) -> list[dict[str, Any]]:
    return [{"reference": reference, "status": "resolved", "at": T0, "note": NOTE}]


@pytest.mark.parametrize("service", STORES)
async def test_details_of_a_finished_request_go_after_two_years(
    service: str, database_url: str
) -> None:
    store, row, details, history = STORES[service]
    requests: Table = store.requests
    db = Database(database_url)
    await db.create_schema(store.metadata)
    now = T0
    rule = closed_request_details_rule(details, 730 * DAY, "updated_at")
    purger = Purger(db, [rule], lambda: now, CollectorRegistry(), service)
    try:
        async with db.transaction() as conn:
            await conn.execute(
                insert(requests),
                [
                    row("5000000001", "closed"),
                    row("5000000002", "in_progress"),
                    row("5000000003", "referred"),  # passed to another body: done here too
                ],
            )
            await conn.execute(
                insert(details.history), history(notes("5000000001") + notes("5000000002"))
            )
        now = T0 + 729 * DAY
        assert await purger.run_once() == {"request_details": 0}
        now = T0 + 731 * DAY
        assert await purger.run_once() == {"request_details": 2}
        assert await purger.run_once() == {"request_details": 0}  # nothing twice
        async with db.reading() as conn:
            found = {r.reference: r for r in await conn.execute(select(requests))}
            said = {r.reference: r._mapping for r in await conn.execute(select(details.history))}
    finally:
        await db.dispose()
    closed, open_ = found["5000000001"], found["5000000002"]
    assert closed.description == found["5000000003"].description == "water in Wupperthal"
    assert (closed.category, closed.area, closed.community, closed.status) == (
        "water",
        "north",
        "Wupperthal",
        "closed",
    )
    assert open_.description == "Burst pipe outside Mrs Jacobs' house"
    for column in details.history_words:
        assert said["5000000001"][column] is None
        assert said["5000000002"][column] == NOTE
    if service == "intake":
        assert (closed.lat, closed.lon) == (None, None)
        assert (open_.lat, open_.lon) == (-32.27, 19.22)
    else:
        assert closed.location == WHERE
        assert open_.location == EXACT
