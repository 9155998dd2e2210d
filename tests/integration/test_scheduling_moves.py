"""Moving a visit, on SQLite and on PostgreSQL: its own day changes nothing, the past and other
months are refused, and two moves of one team onto one day cannot both succeed, because the
store itself holds one visit per team per day."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt

import pytest

from services.scheduling.visits import store
from shared.topics import VISITS
from tests.support.fakes import FakePublisher
from tests.support.scheduling import Scheduling, running_scheduling

pytestmark = pytest.mark.integration


async def announced(scheduling: Scheduling, publisher: FakePublisher) -> int:
    await scheduling.app.state.relay.drain()
    count = sum(1 for m in publisher.sent if m.topic == VISITS)
    publisher.sent.clear()
    return count


async def test_a_move_to_its_own_day_announces_nothing(database_url: str) -> None:
    publisher = FakePublisher()
    async with running_scheduling(database_url, publisher=publisher) as scheduling:
        visit = (await scheduling.plan("2026-12")).json()["visits"][0]
        await announced(scheduling, publisher)
        for _ in range(3):
            same = await scheduling.operate(
                f"/v1/visits/{visit['id']}/reschedule", {"date": visit["date"], "reason": "x" * 3}
            )
            assert same.status_code == 200 and same.json() == visit
        assert await announced(scheduling, publisher) == 0


@pytest.mark.parametrize(
    ("day", "says"),
    [("2026-11-25", "in the past"), ("2027-01-05", "plan of 2026-12")],
)
async def test_a_move_to_the_past_or_another_month_is_422(
    database_url: str, day: str, says: str
) -> None:
    async with running_scheduling(database_url, publisher=FakePublisher()) as scheduling:
        visit = (await scheduling.plan("2026-12")).json()["visits"][0]
        response = await scheduling.operate(
            f"/v1/visits/{visit['id']}/reschedule", {"date": day, "reason": "venue"}
        )
    assert response.status_code == 422
    assert says in response.json()["error"]["fields"]["date"]


async def test_two_moves_of_one_team_onto_one_day_one_wins(database_url: str) -> None:
    async with running_scheduling(database_url, publisher=FakePublisher()) as scheduling:
        visits = (await scheduling.plan("2026-12")).json()["visits"]
        team = visits[0]["team"]
        mine = [v for v in visits if v["team"] == team][:2]
        taken = {v["date"] for v in visits if v["team"] == team}
        free = next(d for d in ("2026-12-09", "2026-12-10", "2026-12-11") if d not in taken)
        answers = await asyncio.gather(
            *(
                scheduling.operate(
                    f"/v1/visits/{v['id']}/reschedule", {"date": free, "reason": "venue"}
                )
                for v in mine
            )
        )
    assert sorted(a.status_code for a in answers) == [200, 409]
    [refused] = [a for a in answers if a.status_code == 409]
    assert "already has a visit" in refused.json()["error"]["message"]


async def test_the_store_refuses_a_second_visit_of_a_team_on_a_day(database_url: str) -> None:
    async with running_scheduling(database_url, publisher=FakePublisher()) as scheduling:
        await scheduling.plan("2026-12")
        db = scheduling.app.state.db
        async with db.reading() as conn:
            first = (await store.month_visits(conn, "2026-12"))[0]
        twin = dataclasses.replace(first, id=f"{first.id}-twin", community="Elsewhere")
        with pytest.raises(store.DayTaken):
            async with db.transaction() as conn:
                await store.save_visit(conn, twin, None, dt.datetime.now(dt.UTC))
