"""The work queue on a real store with the in-memory bus: a team signs in (a session cookie,
HttpOnly and SameSite=Strict), sees only its open requests soonest due first with the overdue
ones marked, cannot open another team's, and every form needs the session's CSRF token; the
same queue as JSON for department systems, page by page."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from services.routing import store
from shared import credentials
from shared.credentials import Role
from shared.events import CONTENT_TYPE
from shared.topics import REQUESTS_LOGGED
from tests.support.clock import Clock
from tests.support.fakes import FakePublisher
from tests.support.queue_seed import seed_open_requests
from tests.support.routing import Routing, logged_event, running_routing
from tests.support.tokens import issue

TEAM = "water-and-sanitation"


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


async def logged(routing: Routing, category: str, description: str) -> str:
    event = logged_event(category=category, description=description)
    await routing.app.state.broker.publish(
        event.to_bytes(), REQUESTS_LOGGED, key=event.key, headers={"content-type": CONTENT_TYPE}
    )
    await routing.drain_outbox()
    return event.subject


async def status_of(routing: Routing, reference: str) -> str:
    async with routing.app.state.db.reading() as conn:
        found = await store.find_request(conn, reference)
    assert found is not None
    return found.status.value


async def signed_in(routing: Routing, team: str) -> str:
    """Signs the client in as `team`; the CSRF token of its session."""
    answer = await routing.client.post(
        "/queue/sign-in", data={"credential": await routing.token(team)}
    )
    assert answer.status_code == 303, answer.text
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    page = await routing.client.get("/queue/")
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found is not None
    return found[1]


async def test_a_team_sees_its_open_requests_soonest_due_first_overdue_marked(
    routing: Routing, clock: Clock
) -> None:
    normal = await logged(routing, "water", "Dripping tap")  # due in 120 h
    urgent = await logged(routing, "water", "Burst main, water gushing")  # due in 24 h
    theirs = await logged(routing, "bins", "Bin stolen")  # solid-waste's
    clock.now = clock.start + dt.timedelta(hours=30)
    await signed_in(routing, TEAM)
    page = (await routing.client.get("/queue/")).text
    assert page.index(urgent) < page.index(normal) and theirs not in page
    overdue_row = re.search(rf'<tr class="overdue" data-reference="{urgent}"', page)
    assert overdue_row is not None and f'<tr class="" data-reference="{normal}"' in page
    filtered = (await routing.client.get("/queue/", params={"priority": "normal"})).text
    assert normal in filtered and urgent not in filtered
    refused = await routing.client.get(f"/queue/requests/{theirs}")
    assert refused.status_code == 403


async def test_forms_need_the_sessions_csrf_token(routing: Routing) -> None:
    reference = await logged(routing, "water", "Leak at the clinic")
    csrf = await signed_in(routing, TEAM)
    form = {"status": "acknowledged", "note": "On our way", "public": "true"}
    forged = await routing.client.post(f"/queue/requests/{reference}/status", data=form)
    assert forged.status_code == 403 and "expired" in forged.text
    moved = await routing.client.post(
        f"/queue/requests/{reference}/status", data={**form, "csrf": csrf}
    )
    assert moved.status_code == 303
    assert (
        "Acknowledged, by Water and Sanitation: On our way"
        in (await routing.client.get(f"/queue/requests/{reference}")).text
    )
    closing = await routing.client.post(
        f"/queue/requests/{reference}/status", data={"status": "resolved", "csrf": csrf}
    )
    assert closing.status_code == 422 and "cause" in closing.text  # shown on the page


async def test_without_a_session_the_browser_goes_to_sign_in_and_revoking_ends_it(
    routing: Routing,
) -> None:
    away = await routing.client.get("/queue/")
    assert away.status_code == 303 and away.headers["location"] == "/queue/sign-in"
    wrong = await routing.client.post("/queue/sign-in", data={"credential": "not-a-credential"})
    assert wrong.status_code == 401 and "not a working team credential" in wrong.text
    await signed_in(routing, TEAM)
    assert (await routing.client.get("/queue/")).status_code == 200
    await credentials.revoke(
        routing.app.state.db,
        routing.app.state.service.tables.credentials,
        TEAM,
        now=dt.datetime.now(dt.UTC),
    )
    assert (await routing.client.get("/queue/")).status_code == 303


@pytest.mark.parametrize(
    "sent_from",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},  # a neighbouring subdomain is another site here
        {"Origin": "https://attacker.example"},
        {"Origin": "null"},  # a sandboxed frame or a data: page
    ],
)
async def test_a_sign_in_sent_from_another_site_opens_no_session(
    routing: Routing, sent_from: dict[str, str]
) -> None:
    """Login CSRF: another site's page posting its own credential must not sign a visitor in."""
    credential = await routing.token(TEAM)
    forged = await routing.client.post(
        "/queue/sign-in", data={"credential": credential}, headers=sent_from
    )
    assert forged.status_code == 403 and "own sign-in page" in forged.text
    assert "set-cookie" not in forged.headers
    assert (await routing.client.get("/queue/")).status_code == 303


@pytest.mark.parametrize(
    "sent_from",
    [
        {"Sec-Fetch-Site": "same-origin", "Origin": "http://service"},
        {"Sec-Fetch-Site": "none"},
        {"Origin": "http://service"},
        {},
    ],
)
async def test_the_sign_in_page_own_form_still_signs_in(
    routing: Routing, sent_from: dict[str, str]
) -> None:
    credential = await routing.token(TEAM)
    answer = await routing.client.post(
        "/queue/sign-in", data={"credential": credential}, headers=sent_from
    )
    assert answer.status_code == 303, answer.text
    assert (await routing.client.get("/queue/")).status_code == 200


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


async def test_the_operators_assign_form_preselects_the_current_routing(routing: Routing) -> None:
    """Issue 25, item 13: the form said electricity, normal, 120 h on an urgent water request."""
    urgent = await logged(routing, "water", "Burst main, water gushing")  # urgent, 24 h
    await signed_in(routing, "operators")
    page = (await routing.client.get(f"/queue/requests/{urgent}")).text
    assert '<option value="water-and-sanitation" selected>' in page
    assert '<option value="urgent" selected>' in page
    assert 'name="target_hours" type="number" min="1" max="2160" value="24"' in page
    assert page.count(" selected>") == 2  # the department and the priority, nothing else


async def test_no_change_is_the_default_and_a_note_alone_leaves_the_status(
    routing: Routing, bus: FakePublisher
) -> None:
    """Issue 25, item 12: saving only a note on a resolved request must not reopen it (nor
    text the resident that it is open again)."""
    reference = await logged(routing, "water", "Leak at the clinic")
    resolved = await routing.report(reference, TEAM, "resolved", cause="fixed")
    assert resolved.status_code == 202, resolved.text
    await routing.drain_outbox()
    csrf = await signed_in(routing, TEAM)
    page = (await routing.client.get(f"/queue/requests/{reference}")).text
    options = re.findall(r"<option value=\"([^\"]*)\"([^>]*)>", page.split('id="status"', 1)[1])
    assert options[0] == ("", " selected")  # "no change", chosen unless someone chooses
    sent_before = len(bus.sent)
    saved = await routing.client.post(
        f"/queue/requests/{reference}/status",
        data={"status": "", "note": "Checked the meter too", "cause": "", "csrf": csrf},
    )
    assert saved.status_code == 303, saved.text
    await routing.drain_outbox()
    assert len(bus.sent) == sent_before  # no status.changed: no message to the resident
    assert await status_of(routing, reference) == "resolved"
    shown = (await routing.client.get(saved.headers["location"])).text
    assert "Resolved, by Water and Sanitation: Checked the meter too" in shown
    assert "Saved: your note is in the history. The status stays" in shown


async def test_a_refused_save_keeps_what_was_typed_and_says_what_is_missing(
    routing: Routing,
) -> None:
    """Issue 25, item 15: resolving without a cause used to clear the note and reset the
    status, with a raw message; a save that works says so."""
    reference = await logged(routing, "water", "Leak at the clinic")
    csrf = await signed_in(routing, TEAM)
    typed = {"status": "resolved", "note": "Replaced the washer", "public": "true", "csrf": csrf}
    refused = await routing.client.post(f"/queue/requests/{reference}/status", data=typed)
    assert refused.status_code == 422
    assert "Not saved: choose a Cause: to mark it resolved, say why" in refused.text
    assert "is required to resolved" not in refused.text  # no raw message
    assert '<option value="resolved" selected>' in refused.text
    assert ">Replaced the washer</textarea>" in refused.text
    assert 'value="true" checked>' in refused.text
    duplicate = {**typed, "cause": "duplicate", "duplicate_of": "123"}
    refused = await routing.client.post(f"/queue/requests/{reference}/status", data=duplicate)
    assert "give the 10-digit reference" in refused.text
    assert '<option value="duplicate" selected>' in refused.text and 'value="123"' in refused.text
    saved = await routing.client.post(
        f"/queue/requests/{reference}/status", data={**typed, "cause": "fixed"}
    )
    assert saved.status_code == 303
    shown = await routing.client.get(saved.headers["location"])
    assert 'role="status">Saved: the request&#39;s status is changed' in shown.text
    assert await status_of(routing, reference) == "resolved"


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
    for typed in grouped:
        found = (await routing.client.get("/queue/", params={"q": typed})).text
        assert rows_of(found) == [wanted], typed
        assert "1\u20131 of 1 with a reference starting" in found
    csrf = await signed_in(routing, TEAM)
    noted = {"status": "", "note": "Called the resident", "csrf": csrf}
    await routing.client.post(f"/queue/requests/{seeded[5]}/status", data=noted)
    updated = (await routing.client.get("/queue/", params={"sort": "updated"})).text
    assert rows_of(updated)[:2] == [seeded[5], seeded[-1]]
    typo = f"{wanted[:9]}{(int(wanted[9]) + 1) % 10}"
    refused = await routing.client.get("/queue/", params={"q": typo})
    assert refused.status_code == 400 and "typing error" in refused.text
    assert rows_of(refused.text)[:50] == seeded[:50]  # the queue still shows, unsearched


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


async def test_a_team_member_signs_in_with_their_own_credential_and_history_names_them(
    routing: Routing, bus: FakePublisher
) -> None:
    """Issue 25, item 16: one shared credential per team, so history said "by
    water-and-sanitation", not who."""
    reference = await logged(routing, "water", "Leak at the clinic")
    member = f"Thandeka@{TEAM}"
    routing.tokens[TEAM] = await issue(
        routing.app.state.db, store.credentials, member, Role.DEPARTMENT
    )
    csrf = await signed_in(routing, TEAM)  # with Thandeka's own credential
    listed = (await routing.client.get("/queue/")).text
    assert "Water and Sanitation: open requests" in listed and reference in listed
    assert 'class="who">Thandeka (Water and Sanitation)<' in listed
    sent = len(bus.sent)
    moved = await routing.client.post(
        f"/queue/requests/{reference}/status",
        data={"status": "acknowledged", "note": "On my way", "csrf": csrf},
    )
    assert moved.status_code == 303, moved.text
    await routing.client.post(
        f"/queue/requests/{reference}/status", data={"note": "Parts ordered", "csrf": csrf}
    )
    page = (await routing.client.get(f"/queue/requests/{reference}")).text
    assert "Acknowledged, by Thandeka (Water and Sanitation): On my way" in page
    assert "Acknowledged, by Thandeka (Water and Sanitation): Parts ordered" in page
    await routing.drain_outbox()
    changed = json.loads(bus.sent[sent].value)
    assert changed["data"]["department"] == TEAM  # the team is still who has the request
    await credentials.revoke(
        routing.app.state.db, store.credentials, member, now=dt.datetime.now(dt.UTC)
    )
    assert (await routing.client.get("/queue/")).status_code == 303  # her session ended
