"""The plan's pages at /plan/ (issue 29, item 1): operators sign in, see the month as a
calendar with the rules it meets or breaks and the communities longest unvisited first,
publish it, and move or cancel a visit with a reason after seeing what it would break."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from shared.contracts.visits import VisitCancelled, VisitChanged, VisitScheduled
from shared.credentials import Role
from shared.events import CloudEvent, parse_event
from shared.topics import VISITS
from tests.support.fakes import FakePublisher
from tests.support.plan_pages import a_move_leaving_a_week_short, plan_session
from tests.support.scheduling import Scheduling, running_scheduling
from tests.support.tokens import issue

TODAY = dt.date(2026, 11, 26)  # the tests' clock (tests/support/scheduling.py)


@pytest.fixture
def publisher() -> FakePublisher:
    return FakePublisher()


@pytest.fixture
async def scheduling(tmp_path: Path, publisher: FakePublisher) -> AsyncIterator[Scheduling]:
    async with running_scheduling(
        f"sqlite+aiosqlite:///{tmp_path / 's.db'}", publisher=publisher
    ) as s:
        yield s


async def announced(scheduling: Scheduling, publisher: FakePublisher) -> list[CloudEvent]:
    await scheduling.app.state.relay.drain()
    events = [parse_event(m.value) for m in publisher.sent if m.topic == VISITS]
    publisher.sent.clear()
    return events


def rules(page: str) -> list[tuple[str, str]]:
    """(Met or Broken, the rule) as the page lists them."""
    return re.findall(r'<li class="(?:met|broken)"><strong>(Met|Broken):</strong> ([^<]+)', page)


async def test_an_operator_publishes_a_month_and_sees_it_keep_every_rule(
    scheduling: Scheduling, publisher: FakePublisher
) -> None:
    client = scheduling.client
    assert (await client.get("/plan/")).headers["location"] == "/plan/sign-in"
    csrf = await plan_session(client, scheduling.operator_token)
    empty = await client.get("/plan/?month=2026-12")
    assert empty.status_code == 200 and "Plan of December 2026" in empty.text
    assert "default-src 'none'" in empty.headers["content-security-policy"]
    assert dict((rule, state) for state, rule in rules(empty.text)) == {
        "At least two areas visited every week": "Broken",
        "All four areas visited in the month": "Broken",
        "No visit on a weekend or a public holiday": "Met",
    }
    published = await client.post("/plan/publish", data={"month": "2026-12", "csrf": csrf})
    assert published.status_code == 303
    assert published.headers["location"] == "/plan/?month=2026-12&done=published"
    events = await announced(scheduling, publisher)
    assert events and all(e.data_as(VisitScheduled).visit_id for e in events)
    page = (await client.get(published.headers["location"])).text
    assert "Published:" in page
    assert [state for state, _ in rules(page)] == ["Met", "Met", "Met"]
    visits = (await client.get("/v1/visits?from=2026-12-01&to=2026-12-31")).json()
    for visit in visits:  # each a block coloured by its area, its name and area in words
        block = f'class="visit area-{visit["area"]}" href="/plan/visits/{visit["id"]}"'
        assert block in page and visit["community"] in page
    # The communities, longest unvisited first: those with no visit yet, then the oldest.
    table = page[page.index('id="communities-h"') :]
    lasts = re.findall(r"</th><td>\w+</td><td>([^<]+)</td>", table)
    assert lasts == sorted(lasts, key=lambda d: "" if d == "never" else d)
    # Publishing again changes nothing, and says so.
    again = await client.post("/plan/publish", data={"month": "2026-12", "csrf": csrf})
    assert again.headers["location"].endswith("done=unchanged")


async def test_a_department_is_refused_at_sign_in_in_words(scheduling: Scheduling) -> None:
    db, table = scheduling.app.state.db, scheduling.app.state.service.tables.credentials
    department = await issue(db, table, "water-and-sanitation", Role.DEPARTMENT)
    refused = await scheduling.client.post("/plan/sign-in", data={"credential": department})
    assert refused.status_code == 403
    assert "operators only: a department" in refused.text
    assert "set-cookie" not in refused.headers
    wrong = await scheduling.client.post("/plan/sign-in", data={"credential": "not-one"})
    assert wrong.status_code == 401 and "not a working team credential" in wrong.text


async def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(
    scheduling: Scheduling, publisher: FakePublisher
) -> None:
    await plan_session(scheduling.client, scheduling.operator_token)
    forged = await scheduling.client.post("/plan/publish", data={"month": "2026-12"})
    assert forged.status_code == 403 and "This form has expired" in forged.text
    assert await announced(scheduling, publisher) == []
    assert (await scheduling.client.get("/v1/visits")).json() == []


async def test_a_move_says_which_rule_it_would_break_before_it_is_saved(
    scheduling: Scheduling, publisher: FakePublisher
) -> None:
    visits = (await scheduling.plan("2026-12")).json()["visits"]
    await announced(scheduling, publisher)
    visit, day = a_move_leaving_a_week_short(visits, 2026, 12, TODAY)
    csrf = await plan_session(scheduling.client, scheduling.operator_token)
    path = f"/plan/visits/{visit['id']}/move"
    asked = {"date": day.isoformat(), "reason": "the hall is booked", "csrf": csrf}
    preview = await scheduling.client.post(path, data=asked)
    assert preview.status_code == 200 and "Before you save" in preview.text
    monday = dt.date.fromisoformat(visit["date"])
    monday -= dt.timedelta(days=monday.weekday())
    assert (
        f"At least two areas visited every week: the week of {monday.isoformat()} visits 1 area(s)"
        in preview.text
    )
    assert await announced(scheduling, publisher) == []  # nothing saved yet
    [still] = [
        v for v in (await scheduling.client.get("/v1/visits")).json() if v["id"] == visit["id"]
    ]
    assert still["date"] == visit["date"]
    saved = await scheduling.client.post(path, data={**asked, "confirm": "yes"})
    assert saved.status_code == 303 and saved.headers["location"].endswith("done=moved")
    [event] = await announced(scheduling, publisher)
    assert event.data_as(VisitChanged).date == day
    page = (await scheduling.client.get(saved.headers["location"])).text
    assert "Broken:</strong> At least two areas visited every week" in page


async def test_a_move_to_a_day_off_or_without_a_reason_is_refused_in_words(
    scheduling: Scheduling, publisher: FakePublisher
) -> None:
    [visit, *_] = (await scheduling.plan("2026-12")).json()["visits"]
    await announced(scheduling, publisher)
    csrf = await plan_session(scheduling.client, scheduling.operator_token)
    path = f"/plan/visits/{visit['id']}/move"
    christmas = {"date": "2026-12-25", "reason": "venue", "csrf": csrf}
    refused = await scheduling.client.post(path, data=christmas)
    assert refused.status_code == 422 and "Christmas Day, a public holiday" in refused.text
    bare = await scheduling.client.post(path, data={"date": "2026-12-28", "csrf": csrf})
    assert bare.status_code == 422 and "say why in at least 3 characters" in bare.text
    assert await announced(scheduling, publisher) == []


async def test_a_cancellation_names_the_area_it_would_leave_unvisited_then_is_announced(
    scheduling: Scheduling, publisher: FakePublisher
) -> None:
    visits = (await scheduling.plan("2026-12")).json()["visits"]
    areas = {v["area"] for v in visits}
    area = min(areas, key=lambda a: sum(v["area"] == a for v in visits))
    *others, last = [v for v in visits if v["area"] == area]
    for other in others:  # the area left with one visit
        await scheduling.operate(f"/v1/visits/{other['id']}/cancel", {"reason": "venue"})
    await announced(scheduling, publisher)
    csrf = await plan_session(scheduling.client, scheduling.operator_token)
    path = f"/plan/visits/{last['id']}/cancel"
    asked = {"reason": "the hall flooded", "csrf": csrf}
    preview = await scheduling.client.post(path, data=asked)
    assert preview.status_code == 200
    assert f"All four areas visited in the month: no visit to {area}" in preview.text
    assert await announced(scheduling, publisher) == []
    saved = await scheduling.client.post(path, data={**asked, "confirm": "yes"})
    assert saved.status_code == 303 and saved.headers["location"].endswith("done=cancelled")
    [event] = await announced(scheduling, publisher)
    assert event.data_as(VisitCancelled).reason == "the hall flooded"
    page = (await scheduling.client.get(saved.headers["location"])).text
    assert f"<del>{last['community']}</del>" in page
    assert "Broken:</strong> All four areas visited in the month" in page
