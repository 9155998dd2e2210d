"""The open-data file on SQLite and PostgreSQL: 1,000 requests, logged by field agents and by
a partner through Open311, routed and many resolved, with names, phone numbers, e-mail
addresses and account numbers in every free-text field (the resident's words, the address,
the community, the teams' notes and reasons). The CSV has none of them, every place is the
centre of an H3 level-8 cell, every time starts a 6-hour block, small communities are merged
into their area, and the counts per category are the store's."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter
from collections.abc import Awaitable, Callable

import h3
import phonenumbers
import pytest
from pydantic import BaseModel
from sqlalchemy import func, select

from services.intake import store
from services.intake.open_data.domain import COLUMNS
from shared.catalogue import CATEGORIES
from shared.contracts.common import Area, RequestStatus
from shared.contracts.routing import Cause, Priority, RequestRouted, RoutingOutcome, StatusChanged
from shared.credentials import Role
from shared.events import CONTENT_TYPE, new_event
from shared.topics import REQUESTS_ROUTED, REQUESTS_STATUS, source
from tests.support.clock import Clock
from tests.support.fakes import FakePublisher
from tests.support.intake import Intake, running_intake
from tests.support.tokens import issue

pytestmark = pytest.mark.integration

COUNT = 1000
COMMUNITIES = ("Khayelitsha", "Mfuleni", "Delft", "Philippi", "Gugulethu", "Atlantis")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def person(i: int) -> dict[str, str]:
    """Resident i's details: a name, a mobile number, an e-mail address, an account number."""
    return {
        "name": f"Nomsa Dlamini{i:04d}",
        "phone": f"+2782{5550000 + i}",
        "email": f"nomsa{i}@example.org",
        "account": f"{400000000 + i}",
    }


def words(i: int) -> str:
    p = person(i)
    return f"{p['name']} on {p['phone']} ({p['email']}), account {p['account']}, says it leaks"


async def log(intake: Intake, i: int, partner: str) -> str:
    p, category = person(i), CATEGORIES[i % len(CATEGORIES)].code
    # One request in ten was typed with the person in the community field too.
    community = words(i) if i % 10 == 9 else COMMUNITIES[i % len(COMMUNITIES)]
    area = list(Area)[i % 4].value
    if i % 5 == 0:  # a call centre, through Open311
        form = {
            "api_key": partner,
            "service_code": category,
            "address_string": words(i),
            "description": words(i),
            "first_name": p["name"],
            "phone": p["phone"],
            "email": p["email"],
            "attribute[area]": area,
            "attribute[community]": community,
            "attribute[account_number]": p["account"],
        }
        answer = await intake.client.post("/open311/v2/requests.json", data=form)
        assert answer.status_code == 200, answer.text
        return str(answer.json()[0]["service_request_id"])
    body = {
        "category": category,
        "description": words(i),
        "location": {
            "area": area,
            "community": community,
            "address": words(i)[:200],
            "lat": -34.0 + (i % 97) * 0.0013,
            "lon": 18.5 + (i % 89) * 0.0017,
        },
        "resident": {
            "name": p["name"],
            "phone": p["phone"],
            "email": p["email"],
            "updates_by": "sms",
            "privacy_notice_given": True,
        },
        "account_number": p["account"],
    }
    created = await intake.post(body)
    assert created.status_code == 201, created.text
    return str(created.json()["reference"])


async def progress(intake: Intake, i: int, reference: str, at: dt.datetime) -> None:
    """Routed an hour later, due 3 days and 17 minutes after; two in three resolved, some
    late, with the team's words naming the resident."""
    category = CATEGORIES[i % len(CATEGORIES)]
    routed = RequestRouted(
        reference=reference,
        category=category.code,
        area=list(Area)[i % 4],
        community="(routing's copy)",
        outcome=RoutingOutcome.ROUTED,
        status=RequestStatus.ROUTED,
        department=category.department,
        priority=Priority.NORMAL,
        due_at=at + dt.timedelta(days=3, minutes=17),
        decided_at=at + dt.timedelta(hours=1),
    )
    events: list[tuple[BaseModel, str]] = [(routed, REQUESTS_ROUTED)]
    if i % 3:
        resolved = StatusChanged(
            reference=reference,
            status=RequestStatus.RESOLVED,
            previous_status=RequestStatus.ROUTED,
            department=category.department,
            note=f"Fixed. {words(i)}",
            note_public=True,
            cause=Cause.FIXED if i % 3 == 1 else Cause.NO_FURTHER_ACTION,
            cause_detail=words(i),
            changed_at=at + dt.timedelta(hours=2 + 7 * (i % 17), minutes=i % 60),
        )
        events.append((resolved, REQUESTS_STATUS))
    for data, topic in events:
        event = new_event(data, source("routing"), reference, at)
        headers = {"content-type": CONTENT_TYPE}
        await intake.app.state.broker.publish(
            event.to_bytes(), topic, key=event.key, headers=headers
        )


async def test_the_open_data_file_has_no_one_in_it(
    make_database: Callable[[], Awaitable[str]],
) -> None:
    clock = Clock()
    url = await make_database()
    async with running_intake(url, publisher=FakePublisher(), clock=clock) as intake:
        partner = await issue(intake.app.state.db, store.credentials, "call-centre", Role.PARTNER)
        for i in range(COUNT):
            clock.now = clock.start + dt.timedelta(minutes=37 * i, seconds=i % 60)
            await progress(intake, i, await log(intake, i, partner), clock.now)
        start, end = clock.start.date(), clock.now.date()
        answer = await intake.client.get(f"/v1/open-data/requests.csv?from={start}&to={end}")
        async with intake.app.state.db.reading() as conn:
            c = store.requests.c
            stored = dict(
                (await conn.execute(select(c.category, func.count()).group_by(c.category))).all()
            )
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    text = answer.text
    assert "\r\n" in text  # RFC 4180 line ends
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == COLUMNS and len(rows) == COUNT

    found = [m.raw_string for m in phonenumbers.PhoneNumberMatcher(text, "ZA")]
    assert found == [], found[:5]
    assert EMAIL.findall(text) == []
    for i in range(COUNT):
        for secret in person(i).values():
            assert secret not in text

    names = {c.code: c.name_en for c in CATEGORIES}
    assert Counter(r["service_name"] for r in rows) == {names[k]: n for k, n in stored.items()}
    assert {r["description"] for r in rows} <= set(names.values())
    placed = [r for r in rows if r["lat"]]
    assert len(placed) == COUNT - COUNT // 5  # the partner's came with an address only
    for r in placed:
        index = h3.latlng_to_cell(float(r["lat"]), float(r["long"]), 8)
        assert index == r["h3_level8_index"]
        centre = h3.cell_to_latlng(index)
        assert abs(centre[0] - float(r["lat"])) < 1e-6 and abs(centre[1] - float(r["long"])) < 1e-6
    for r in rows:
        for column in ("requested_datetime", "updated_datetime", "closed_date", "due_datetime"):
            if r[column]:
                at = dt.datetime.fromisoformat(r[column])
                assert (at.hour % 6, at.minute, at.second, at.microsecond) == (0, 0, 0, 0)
    suburbs = Counter(r["official_suburb"] for r in rows)
    merged = {f"{list(Area)[i % 4].value.title()} (other communities)" for i in range(9, COUNT, 10)}
    assert set(suburbs) == set(COMMUNITIES) | merged
    assert {r["source"] for r in rows} == {"Mobile Office", "Open311 partner"}
    closed = [r for r in rows if r["closed_date"]]
    assert len(closed) == COUNT - len(range(0, COUNT, 3))
    assert {r["closed_within_standard"] for r in closed} == {"true", "false"}
    assert {r["cause"] for r in closed} == {"fixed", "no-further-action"}
