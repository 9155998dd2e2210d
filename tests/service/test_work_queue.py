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
from tests.support.clock import Clock
from tests.support.fakes import FakePublisher
from tests.support.routing import Routing, running_routing
from tests.support.tokens import issue
from tests.support.work_queue import TEAM, logged, signed_in, status_of


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
    assert forged.headers["content-type"].startswith("text/html")  # a page, with a way back
    assert '<a href="/queue/">Back to the list</a>' in forged.text
    operators_only = await routing.client.post(f"/queue/requests/{reference}/assign", data=form)
    assert operators_only.status_code == 403 and "<h1>Not for your team</h1>" in operators_only.text
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


async def test_the_operators_assign_form_preselects_the_current_routing(routing: Routing) -> None:
    """Issue 25, item 13: the form said electricity, normal, 120 h on an urgent water request."""
    urgent = await logged(routing, "water", "Burst main, water gushing")  # urgent, 24 h
    await signed_in(routing, "operators")
    page = (await routing.client.get(f"/queue/requests/{urgent}")).text
    assert '<option value="water-and-sanitation" selected>' in page
    assert '<option value="urgent" selected>' in page
    assert 'name="target_hours" type="number" min="1" max="2160" value="24"' in page
    assert page.count(" selected>") == 2  # the department and the priority, nothing else
    csrf = re.findall(r'name="csrf" value="([^"]+)"', page)[0]
    same = {"department": "water-and-sanitation", "priority": "urgent", "csrf": csrf}
    refused = await routing.client.post(f"/queue/requests/{urgent}/assign", data=same)
    assert refused.status_code == 409  # walk item 4: said nothing, and "New, by the operators"
    assert "Not assigned: the request is already with that department" in refused.text
    moved = {**same, "department": "solid-waste"}
    assert (await routing.client.post(f"/queue/requests/{urgent}/assign", data=moved)).is_redirect
    page = (await routing.client.get(f"/queue/requests/{urgent}")).text
    assert "Assigned by the operators" in page and "New, by the operators" not in page


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
    assert "Note by Water and Sanitation: Checked the meter too" in shown
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
    cause = refused.text.split('id="cause"', 1)[1].split(">", 1)[0]  # walk item 3: beside it
    assert 'aria-invalid="true" aria-describedby="cause-error" autofocus' in cause
    assert 'id="cause-error">Choose a Cause: to mark it resolved, say why.</p>' in refused.text
    assert refused.text.count("autofocus") == 1 and refused.text.count('role="alert"') == 1
    assert '<option value="resolved" selected>' in refused.text
    assert ">Replaced the washer</textarea>" in refused.text
    assert 'value="true" checked>' in refused.text
    duplicate = {**typed, "cause": "duplicate", "duplicate_of": "123"}
    refused = await routing.client.post(f"/queue/requests/{reference}/status", data=duplicate)
    assert "give the 10-digit reference" in refused.text
    assert '<option value="duplicate" selected>' in refused.text and 'value="123"' in refused.text
    back = {"back": "/queue/?sort=newest"}  # the list it came from, kept through the save
    saved = await routing.client.post(
        f"/queue/requests/{reference}/status", data={**typed, **back, "cause": "fixed"}
    )
    assert saved.status_code == 303
    shown = await routing.client.get(saved.headers["location"])
    assert 'role="status">Saved: the request&#39;s status is changed' in shown.text
    assert '<a href="/queue/?sort=newest">Back to the list</a>' in shown.text
    assert "Resolved (Fixed), by Water and Sanitation: Replaced the washer" in shown.text
    assert await status_of(routing, reference) == "resolved"


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
    assert "Note by Thandeka (Water and Sanitation): Parts ordered" in page
    await routing.drain_outbox()
    changed = json.loads(bus.sent[sent].value)
    assert changed["data"]["department"] == TEAM  # the team is still who has the request
    await credentials.revoke(
        routing.app.state.db, store.credentials, member, now=dt.datetime.now(dt.UTC)
    )
    assert (await routing.client.get("/queue/")).status_code == 303  # her session ended
