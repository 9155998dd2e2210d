"""A month of requests with known times for the figures page's tests (/standards/): which
were made, put straight into routing's store; and the page's tables read back as text."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import h3
from sqlalchemy import insert

from services.routing import store
from shared.reference import new_reference
from tests.support.routing import Routing

MONTH = "2026-11"  # NOON is in December: the last whole month
START = dt.datetime(2026, 11, 3, 8, 0, tzinfo=dt.UTC)
KHAYELITSHA = (-34.04, 18.67)
BELLVILLE = (-33.90, 18.63)
ATLANTIS = (-33.57, 18.49)


@dataclass(frozen=True)
class Made:
    department: str
    category: str
    area: str
    channel: str
    place: tuple[float, float] | None
    hours: float | None  # to the first resolution; None: still open
    due_hours: float
    reopened: bool = False
    fixed: bool = False
    agent: str = "agent-a"
    visit_id: str | None = "visit-khayelitsha-1103"
    logged_at: dt.datetime = START


def month_made() -> list[Made]:
    water = [
        Made(
            "water-and-sanitation", "water", "east", "visit", KHAYELITSHA, hours, 24,
            reopened=hours == 2, fixed=hours in (4, 6),
        )
        for hours in (2, 4, 6, 8, 10, 20, 30, 50, None, None)
    ]  # fmt: skip
    sewage = [
        Made("water-and-sanitation", "sewage", "north", "field-app", None, 5, 24, visit_id=None)
        for _ in range(2)
    ]
    power = [
        Made("electricity", "electricity", "north", "field-app", BELLVILLE, h, 48, visit_id=None)
        for h in (1, 2, 3, 4, 5, 6, 7)
    ]
    bins = [
        Made("solid-waste", "bins", "south", "open311", ATLANTIS if n < 3 else None, 100, 120)
        for n in range(6)
    ]
    accounts = [
        Made("revenue", "accounts", "central", "visit", None, None, 240, agent="agent-b")
        for _ in range(3)
    ]
    valuation = [Made("valuations", "valuations", "central", "visit", None, None, 240)]
    october = [
        Made("water-and-sanitation", "water", "east", "visit", None, 10, 24, logged_at=START - dt.timedelta(days=30))
        for _ in range(6)
    ]  # fmt: skip
    september = [
        Made("water-and-sanitation", "water", "east", "visit", None, 10, 24, logged_at=START - dt.timedelta(days=60))
        for _ in range(2)
    ]  # fmt: skip
    return water + sewage + power + bins + accounts + valuation + october + september


async def build(routing: Routing, made: list[Made]) -> None:
    rows, history = [], []
    for m in made:
        reference = new_reference()
        resolved = m.logged_at + dt.timedelta(hours=m.hours) if m.hours is not None else None
        lat, lon = m.place or (None, None)
        rows.append(
            {
                "reference": reference,
                "category": m.category,
                "area": m.area,
                "community": "Khayelitsha",
                "description": "Leaking tap at the communal standpipe",
                "location": {"area": m.area, "community": "Khayelitsha", "lat": lat, "lon": lon},
                "resident_contactable": True,
                "status": "resolved" if resolved else "routed",
                "department": m.department,
                "priority": "normal",
                "due_at": m.logged_at + dt.timedelta(hours=m.due_hours),
                "logged_at": m.logged_at,
                "updated_at": resolved or m.logged_at,
                "channel": m.channel,
                "agent": m.agent,
                "visit_id": m.visit_id,
                "h3_cell": h3.latlng_to_cell(lat, lon, 7) if m.place else None,
                "reopened_at": resolved + dt.timedelta(days=1) if m.reopened and resolved else None,
                "fixed_confirmed_at": resolved + dt.timedelta(days=1) if m.fixed and resolved else None,
            }
        )  # fmt: skip
        history.append({"reference": reference, "status": "routed", "at": m.logged_at, "by": "t"})
        if resolved:
            history.append({"reference": reference, "status": "resolved", "at": resolved, "by": "t"})  # fmt: skip
    async with routing.app.state.db.transaction() as conn:
        await conn.execute(insert(store.requests), rows)
        await conn.execute(insert(store.status_history), history)


FIGURES = (
    "received",
    "resolved_within",
    "median_days",
    "p90_days",
    "open_past_due",
    "reopened",
    "confirmed_fixed",
)


def page_tables(html: str) -> dict[str, dict[str, dict[str, str]]]:
    """Per section, per group, the figures the page's table shows (as text)."""
    found: dict[str, dict[str, dict[str, str]]] = {}
    for part in re.split(r'<section id="', html)[1:]:
        name = part.split('"', 1)[0]
        rows = re.findall(r'<tr data-group="([^"]+)">(.*?)</tr>', part, re.S)
        found[name] = {
            group: dict(re.findall(r'<td data-figure="(\w+)">([^<]*)</td>', cells))
            for group, cells in rows
        }
    return found


def shown(value: Any, share: float | None = None) -> str:
    if value is None:
        return "none yet"
    return f"{value} ({round(share * 100)}%)" if share is not None else str(value)
