"""The work queue's list for a team and for operators, on SQLite and PostgreSQL: fifty a page
with totals, sorted and searched by reference in any grouping, the overdue filter, rows in
words with references grouped, community matched forgivingly; and the same queue as JSON."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from tests.support.clock import Clock
from tests.support.fakes import FakePublisher
from tests.support.queue_seed import seed_open_requests
from tests.support.routing import Routing, running_routing
from tests.support.work_queue import TEAM, logged, signed_in


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime.now(dt.UTC))  # the logged events carry the wall clock's time


@pytest.fixture
def bus() -> FakePublisher:
    return FakePublisher()


@pytest.fixture
async def routing(
    make_database: Callable[[], Awaitable[str]], clock: Clock, bus: FakePublisher
) -> AsyncIterator[Routing]:
    """Routing on SQLite and on PostgreSQL (the pages' counts, offsets and prefixes are SQL)."""
    url = await make_database()
    async with running_routing(url, publisher=bus, clock=clock) as running:
        yield running


async def test_the_queue_as_json_page_by_page(routing: Routing) -> None:
    references = [await logged(routing, "water", f"Leak {n}") for n in range(3)]
    headers = await routing.auth(TEAM)
    first = await routing.client.get("/v1/queue", params={"limit": 2}, headers=headers)
    assert first.status_code == 200 and len(first.json()) == 2
    second = await routing.client.get(
        "/v1/queue", params={"limit": 2, "cursor": first.headers["next-cursor"]}, headers=headers
    )
    seen = [i["reference"] for i in first.json() + second.json()]
    assert sorted(seen) == sorted(references) and "next-cursor" not in second.headers
    others = await routing.client.get("/v1/queue", headers=await routing.auth("solid-waste"))
    assert others.json() == []  # a department sees only its own


async def test_operators_see_every_departments_overdue_requests_apart(
    routing: Routing, clock: Clock
) -> None:
    water = await logged(routing, "water", "Burst main, water gushing")  # urgent, 24 h
    bins = await logged(routing, "bins", "Bin stolen")  # solid-waste, 14 days
    clock.now = clock.start + dt.timedelta(hours=30)
    await signed_in(routing, "operators")
    page = (await routing.client.get("/queue/")).text
    assert bins in page and water in page  # every department's queue, not only one
    assert "<strong>1 overdue</strong>: show only those" in page
    overdue = await routing.client.get("/queue/", params={"status": "overdue"})
    assert overdue.status_code == 200
    assert water in overdue.text and bins not in overdue.text
    assert '<option value="overdue" selected>' in overdue.text


async def test_a_team_filters_its_overdue_requests_and_an_unknown_status_is_refused(
    routing: Routing, clock: Clock
) -> None:
    """Issue 25, item 13: `?status=overdue` silently showed nothing."""
    urgent = await logged(routing, "water", "Burst main, water gushing")  # due in 24 h
    normal = await logged(routing, "water", "Dripping tap")  # due in 120 h
    theirs = await logged(routing, "sewage", "Smell from the drain")  # another department
    clock.now = clock.start + dt.timedelta(hours=30)
    await signed_in(routing, TEAM)
    overdue = (await routing.client.get("/queue/", params={"status": "overdue"})).text
    assert urgent in overdue and normal not in overdue and theirs not in overdue
    unknown = await routing.client.get("/queue/", params={"status": "late"})
    assert unknown.status_code == 400
    assert "Not filtered by that: Status &#39;late&#39; is not one of the choices" in unknown.text
    assert urgent in unknown.text and normal in unknown.text  # the rest of the filter holds


def rows_of(page: str) -> list[str]:
    return re.findall(r'<tr class="[^"]*" data-reference="(\d{10})"', page)


async def test_pages_of_fifty_with_totals_sorts_and_search_by_reference(
    routing: Routing, clock: Clock
) -> None:
    """Issue 25, item 11: "500 shown" and no way further, no total, sort or search."""
    seeded = await seed_open_requests(routing.app.state.db, 320, TEAM, clock.now)
    await seed_open_requests(routing.app.state.db, 3, "solid-waste", clock.now, seed=7)
    await signed_in(routing, TEAM)
    first = (await routing.client.get("/queue/")).text
    assert "1\u201350 of 320, soonest due first." in first
    assert rows_of(first) == seeded[:50]  # due 120 h after logging: oldest first
    assert (
        'href="/queue/?page=7"' in first
        and 'aria-current="page"><span class="visually-hidden">Page </span>1<' in first
    )
    seventh = (await routing.client.get("/queue/", params={"page": 7})).text
    assert "301\u2013320 of 320" in seventh and rows_of(seventh) == seeded[300:]
    newest = (await routing.client.get("/queue/", params={"sort": "newest"})).text
    assert rows_of(newest) == seeded[::-1][:50]
    assert 'href="/queue/?sort=newest&amp;page=2"' in newest  # the pages keep the sort
    wanted = seeded[123]
    grouped = (
        wanted,
        f"{wanted[:3]} {wanted[3:6]} {wanted[6:]}",
        f"{wanted[:3]}-{wanted[3:6]}-{wanted[6:]}",
    )
    for typed in grouped:  # the very request: opened at once, with a way back to the list
        found = await routing.client.get("/queue/", params={"q": typed, "sort": "newest"})
        assert found.status_code == 303, typed
        assert found.headers["location"] == (
            f"/queue/requests/{wanted}?back=%2Fqueue%2F%3Fsort%3Dnewest"
        )
    started = (await routing.client.get("/queue/", params={"q": wanted[:9]})).text
    assert rows_of(started) == [wanted] and "1\u20131 of 1 with a reference starting" in started
    csrf = await signed_in(routing, TEAM)
    noted = {"status": "", "note": "Called the resident", "csrf": csrf}
    await routing.client.post(f"/queue/requests/{seeded[5]}/status", data=noted)
    updated = (await routing.client.get("/queue/", params={"sort": "updated"})).text
    assert rows_of(updated)[:2] == [seeded[5], seeded[-1]]
    typo = f"{wanted[:9]}{(int(wanted[9]) + 1) % 10}"
    refused = await routing.client.get("/queue/", params={"q": typo})
    assert refused.status_code == 400 and "typing error" in refused.text


async def test_a_misheard_reference_searches_nothing_and_says_so_beside_the_box(
    routing: Routing, clock: Clock
) -> None:
    """Walk item 2: a wrong check digit showed the whole unfiltered list under the error."""
    seeded = await seed_open_requests(routing.app.state.db, 3, TEAM, clock.now)
    await signed_in(routing, TEAM)
    typo = f"{seeded[0][:9]}{(int(seeded[0][9]) + 1) % 10}"
    refused = await routing.client.get("/queue/", params={"q": typo})
    assert refused.status_code == 400 and rows_of(refused.text) == []
    assert "No search done: check the digits." in refused.text
    assert 'id="q" name="q" value="' + typo + '"' in refused.text
    box = refused.text.split('id="q"', 1)[1].split(">", 1)[0]
    assert 'aria-invalid="true" aria-describedby="q-error" autofocus' in box
    assert re.search(r'<p class="field-error" id="q-error">[^<]*typing error', refused.text)
    assert "1\u20133 of 3" not in refused.text


async def test_a_reference_with_another_department_says_whose_and_nothing_else(
    routing: Routing,
) -> None:
    """Walk item 1: it looked nonexistent ("None with a reference starting"), and its link
    answered with raw JSON 403."""
    theirs = await logged(routing, "bins", "Bin stolen from outside the school")
    await signed_in(routing, TEAM)
    found = await routing.client.get("/queue/", params={"q": theirs})
    assert found.status_code == 200 and rows_of(found.text) == []
    assert "That request is with Solid Waste Management (New)" in found.text
    assert "Bin stolen" not in found.text and "Khayelitsha" not in found.text
    opened = await routing.client.get(f"/queue/requests/{theirs}", params={"back": "/queue/?q=1"})
    assert opened.status_code == 403 and opened.headers["content-type"].startswith("text/html")
    assert "is with another department" in opened.text and "Bin stolen" not in opened.text
    assert '<a href="/queue/?q=1">Back to the list</a>' in opened.text
    away = await routing.client.get(f"/queue/requests/{theirs}", params={"back": "//evil.example/"})
    assert '<a href="/queue/">Back to the list</a>' in away.text  # never off this site


async def test_rows_say_what_is_wrong_with_references_grouped_and_names_not_codes(
    routing: Routing,
) -> None:
    """Issue 25, item 14: no description, `6564397117`, `in_progress`, `rule 2`."""
    reference = await logged(routing, "water", "Burst main, water gushing into the street")
    grouped = f"{reference[:3]} {reference[3:6]} {reference[6:]}"
    csrf = await signed_in(routing, TEAM)
    listed = (await routing.client.get("/queue/")).text
    row = listed.split(f'data-reference="{reference}"', 1)[1].split("</tr>", 1)[0]
    assert f">{grouped}</a>" in row
    assert "Burst main, water gushing into the street" in row
    assert "<strong>Water</strong> · Urgent" in row and 'data-label="Status">New</td>' in row
    assert '<option value="in_progress" >In progress</option>' in listed
    page = (await routing.client.get(f"/queue/requests/{reference}")).text
    assert f"<h1>Request {grouped}</h1>" in page
    assert re.search(r"New, by routing rule \d+ \(automatic\)", page)
    assert '<option value="not-responsible" >Not the City&#39;s responsibility' in page
    await routing.client.post(
        f"/queue/requests/{reference}/status",
        data={"status": "in_progress", "note": "Crew out", "csrf": csrf},
    )
    page = (await routing.client.get(f"/queue/requests/{reference}")).text
    assert "<dt>Status</dt><dd>In progress</dd>" in page
    assert "In progress, by Water and Sanitation: Crew out" in page


async def test_community_is_matched_forgivingly_and_sign_in_speaks_to_team_members(
    routing: Routing,
) -> None:
    """Issue 25, item 16: "Khaye" and "Khayelitsha " found nothing; the sign-in page named
    deploy/credentials.py and var/dev/."""
    sign_in = (await routing.client.get("/queue/sign-in")).text
    assert "deploy/" not in sign_in and "var/dev" not in sign_in and ".token" not in sign_in
    assert "ask the coordinators" in sign_in
    reference = await logged(routing, "water", "Leak at the clinic")  # in Khayelitsha
    await signed_in(routing, TEAM)
    for typed in ("Khaye", "Khayelitsha ", "  kHAYELITSHA", "khayelitsha"):
        found = (await routing.client.get("/queue/", params={"community": typed})).text
        assert rows_of(found) == [reference], typed
    other = (await routing.client.get("/queue/", params={"community": "Gugu"})).text
    assert rows_of(other) == []


async def test_the_count_pager_and_triage_are_at_the_top_and_the_filters_read_well(
    routing: Routing, clock: Clock
) -> None:
    """Walk items 5, 6 and 8: the triage list and the pager only under 50 rows; Sort offered
    "any"; areas in lower case; no way to clear a search."""
    await seed_open_requests(routing.app.state.db, 60, TEAM, clock.now)
    operators = await routing.auth("operators")
    for rule in (await routing.client.get("/v1/rules", headers=operators)).json():
        if rule["category"] == "parks":
            retired = {"reason": "parks moved to a contractor"}
            await routing.client.post(
                f"/v1/rules/{rule['id']}/retire", json=retired, headers=operators
            )
    await logged(routing, "parks", "Swings broken")  # no rule: waits for triage
    await signed_in(routing, "operators")
    page = (await routing.client.get("/queue/")).text
    table = page.index('<table class="queue">')
    assert page.index('<a href="#triage"><strong>1 waiting for triage</strong>') < table
    assert page.index("1\u201350 of 60") < table and page.index('aria-label="Pages (top)"') < table
    assert page.count("1\u201350 of 60") == 2 and 'id="triage"' in page
    sort = page.split('id="f-sort"', 1)[1].split("</select>", 1)[0]
    assert ">any<" not in sort and '<option value="north" >North</option>' in page
    searched = (await routing.client.get("/queue/", params={"q": "1", "sort": "newest"})).text
    assert '<a href="/queue/?sort=newest">Clear the search</a>' in searched
    misheard = (await routing.client.get("/queue/", params={"q": "1234567890"})).text
    assert "No search done: check the digits." in misheard and ">Department</th>" in misheard
