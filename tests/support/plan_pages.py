"""Signing in to scheduling's plan pages, and reading what they announce (test_plan_pages.py,
the doors test and the browser test)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import httpx

from services.scheduling.visits.domain import month_weeks


async def plan_session(client: httpx.AsyncClient, credential: str) -> str:
    """A session at /plan/ for `credential`'s holder; its CSRF token."""
    client.cookies.clear()
    answer = await client.post("/plan/sign-in", data={"credential": credential})
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/plan/"
    page = await client.get("/plan/")
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found is not None, page.text
    return found[1]


def week_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def a_move_leaving_a_week_short(
    visits: list[dict[str, Any]], year: int, month: int, today: dt.date
) -> tuple[dict[str, Any], dt.date]:
    """A visit of a week with two (to two areas, as the planner plans them), and a working
    day of another week of the month (after `today`) its team is free on: moving it there
    leaves its week one visit, one area, short."""
    weeks = month_weeks(year, month)
    held = [v for v in visits if v["status"] == "scheduled"]
    for visit in held:
        day = dt.date.fromisoformat(visit["date"])
        if sum(week_of(dt.date.fromisoformat(v["date"])) == week_of(day) for v in held) != 2:
            continue
        busy = {v["date"] for v in held if v["team"] == visit["team"]}
        for monday, days in weeks.items():
            if monday == week_of(day):
                continue
            for other in days:
                if other > today and other.isoformat() not in busy:
                    return visit, other
    raise AssertionError("no such move in this plan")
