"""Many open requests in routing's store at once, inserted directly (not through the bus):
what the work queue's paging, sorting and search tests need in a second or so."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import insert

from services.routing.store import requests
from shared.reference import new_reference
from shared.store import Database

__all__ = ["seed_open_requests"]

COMMUNITIES = ("Khayelitsha", "Mitchells Plain", "Gugulethu", "Langa", "Nyanga")
WHAT = ("Leaking pipe in the yard", "No water since morning", "Burst main in the road")


async def seed_open_requests(
    db: Database, count: int, department: str, now: dt.datetime, seed: int = 25
) -> list[str]:
    """`count` routed water requests for `department`, logged a minute apart before `now`
    (the last of the list newest), due 120 h after they were logged: their references."""
    chance = random.Random(seed)
    rows, references = [], []
    for n in range(count):
        reference = new_reference(chance.randrange)
        logged = now - dt.timedelta(minutes=count - n)
        references.append(reference)
        rows.append(
            {
                "reference": reference,
                "category": "water",
                "area": "east",
                "community": COMMUNITIES[n % len(COMMUNITIES)],
                "description": f"{WHAT[n % len(WHAT)]} ({n})",
                "location": {"area": "east", "community": COMMUNITIES[n % len(COMMUNITIES)]},
                "resident_contactable": True,
                "status": "routed",
                "department": department,
                "priority": "normal",
                "due_at": logged + dt.timedelta(hours=120),
                "rule_id": 2,
                "logged_at": logged,
                "updated_at": logged,
            }
        )
    async with db.transaction() as conn:
        await conn.execute(insert(requests), rows)
    return references
