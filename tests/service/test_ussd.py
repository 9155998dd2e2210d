"""The USSD menu driven as a gateway drives it (the session's inputs so far joined by `*`),
through every branch, every screen at most 182 GSM-7 characters; an expired session starts
again at the top; NOT FIXED from another number than the request's changes nothing and is
answered in the same words; a replayed or unsigned request is refused."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from services.notifications import store
from services.notifications.messages.domain import gsm_length, is_gsm7
from services.notifications.ussd.domain import SCREEN_MOST, WRONG_INPUTS, ending, screen
from services.notifications.ussd.texts import Screen
from shared.contracts.common import Language, RequestStatus
from shared.contracts.requests import ReopenAsked
from shared.contracts.routing import Cause, StatusChanged
from shared.contracts.visits import VisitScheduled
from shared.events import CloudEvent, new_event, parse_event
from shared.reference import format_for_reading
from shared.topics import REQUESTS_LOGGED, REQUESTS_REOPEN, REQUESTS_STATUS, VISITS, source
from tests.support.clock import NOON
from tests.support.fakes import FakePublisher
from tests.support.notifications import PHONE, Notifications, logged, running_notifications

OTHER = "+27825550122"


@pytest.fixture
def publisher() -> FakePublisher:
    return FakePublisher()


@pytest.fixture
async def service(tmp_path: Path, publisher: FakePublisher) -> AsyncIterator[Notifications]:
    async with running_notifications(
        f"sqlite+aiosqlite:///{tmp_path / 'n.db'}", publisher=publisher
    ) as running:
        yield running


def resolved(reference: str) -> CloudEvent:
    changed = StatusChanged(
        reference=reference,
        status=RequestStatus.RESOLVED,
        previous_status=RequestStatus.IN_PROGRESS,
        department="water-and-sanitation",
        cause=Cause.FIXED,
        changed_at=NOON - dt.timedelta(days=2),
    )
    return new_event(changed, source("routing"), reference, changed.changed_at)


def visit(day: dt.date, community: str) -> CloudEvent:
    starts = dt.datetime(day.year, day.month, day.day, 7, 30, tzinfo=dt.UTC)
    data = VisitScheduled(
        visit_id=f"visit-{community}-{day}",
        area="east",
        community=community,
        venue=f"{community} Library",
        date=day,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=4),
        team="team-1",
    )
    return new_event(data, source("scheduling"), data.visit_id, NOON)


async def asks(service: Notifications, publisher: FakePublisher) -> list[ReopenAsked]:
    await service.app.state.relay.drain()
    return [
        parse_event(m.value).data_as(ReopenAsked)
        for m in publisher.sent
        if m.topic == REQUESTS_REOPEN
    ]


class Caller:
    """One USSD session, as the gateway sends it: every input so far, joined by `*`."""

    def __init__(self, service: Notifications, session: str, phone: str = PHONE) -> None:
        self.service, self.session, self.phone = service, session, phone
        self.inputs: list[str] = []
        self.screens: list[str] = []

    async def press(self, *entered: str) -> str:
        answer = ""
        for each in entered:
            self.inputs.append(each)
            answer = await self.send()
        return answer

    async def send(self) -> str:
        response = await self.service.ussd(self.session, self.phone, "*".join(self.inputs))
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/plain")
        shown = response.text
        assert shown.startswith(("CON ", "END ")), shown
        assert gsm_length(shown) <= SCREEN_MOST and is_gsm7(shown), shown
        self.screens.append(shown)
        self.service.clock.now += dt.timedelta(seconds=5)  # the caller reads and types
        return shown


async def test_every_branch_of_the_menu(service: Notifications, publisher: FakePublisher) -> None:
    event = logged(language="en")
    reference = event.subject
    await service.deliver(event, REQUESTS_LOGGED)
    await service.deliver(resolved(reference), REQUESTS_STATUS)
    await service.deliver(visit(dt.date(2026, 12, 17), "Delft"), VISITS)

    one = Caller(service, "s-1")
    top = await one.send()
    assert top.startswith("CON Mobile Office\n1 Follow a request")
    assert (await one.press("1")).startswith("CON Type your 10-digit ref")
    not_a_ref = await one.press("12")  # not a ref: the same screen, saying what was wrong
    assert not_a_ref == "CON That is not a 10-digit ref.\nType your 10-digit ref:\n0 Back"
    status = await one.press(reference)
    assert (
        status
        == f"END Ref {format_for_reading(reference)}: resolved. Department: Water & Sanitation."
    )

    two = Caller(service, "s-2")
    await two.send()
    assert "3 East" in await two.press("2")
    communities = await two.press("3")
    assert communities.startswith("CON Choose your community:\n1 Khayelitsha")
    assert "4 Delft" in communities
    visit_screen = await two.press("4")
    assert (
        visit_screen
        == "END Mobile Office visits Delft on Thu 17 Dec, 09:30-13:30 at Delft Library."
    )

    three = Caller(service, "s-3", OTHER)
    await three.send()
    await three.press("3", "3")
    subscribed = await three.press("4")
    assert subscribed.startswith("END You will get SMS news of Mobile Office visits to Delft.")
    async with service.app.state.db.reading() as conn:
        rows = (await conn.execute(select(store.subscriptions))).all()
    assert [(r.community, r.address, r.status) for r in rows] == [("Delft", OTHER, "confirmed")]

    four = Caller(service, "s-4")
    await four.send()
    assert (await four.press("4")).startswith("CON Type the 10-digit ref")
    taken = await four.press(reference)
    assert taken.startswith(f"END Ref {format_for_reading(reference)}: thanks.")
    assert taken.endswith("If you get no SMS, come to the next visit.")
    [asked] = await asks(service, publisher)
    assert asked.reference == reference and asked.asked_by == "resident by SMS"

    five = Caller(service, "s-5")
    await five.send()
    assert (await five.press("5")) == "CON Language:\n1 English\n2 Afrikaans\n3 isiXhosa\n0 Back"
    assert (await five.press("3")).startswith("END I-Ofisi eHambayo iza kuphendula")
    again = Caller(service, "s-6")
    assert (await again.send()).startswith("CON I-Ofisi eHambayo\n1 Landela")  # kept


async def test_0_goes_back_one_level_from_every_screen_below_the_top(
    service: Notifications,
) -> None:
    caller = Caller(service, "s-20")
    top = await caller.send()
    assert "\n0 " not in top
    for choice in ("1", "4", "5", "2", "3"):
        below = await caller.press(choice)
        assert below.endswith("\n0 Back"), below
        if choice in ("2", "3"):
            communities = await caller.press("3")
            assert (
                communities.startswith("CON Choose your community:") and "\n0 Back" in communities
            )
            assert (await caller.press("0")) == below  # the areas again
        assert (await caller.press("0")) == top


async def test_a_wrong_input_shows_the_screen_again_saying_what_was_wrong(
    service: Notifications,
) -> None:
    caller = Caller(service, "s-21")
    top = await caller.send()
    assert (await caller.press("7")) == "CON Choose a number from the list.\n" + top[4:]
    assert (await caller.press("2", "9")).startswith("CON Choose a number from the list.\n")
    await caller.press("0", "0", "1")
    ask = "\nType your 10-digit ref:\n0 Back"
    assert (await caller.press("812 345")) == "CON That is not a 10-digit ref." + ask
    assert (await caller.press("5123456789")) == "CON One digit looks wrong." + ask
    assert (await caller.press("9123456784")).startswith("CON Refs starting with 9 are the City")
    assert (await caller.press("5123456782")).startswith("END Ref 512 345 6782 is not known")


async def test_an_unknown_reference_ends_saying_to_dial_again_not_to_sms(
    service: Notifications,
) -> None:
    caller = Caller(service, "s-22")
    await caller.send()
    unknown = await caller.press("1", "512 345 6782")
    assert unknown == (
        "END Ref 512 345 6782 is not known. Check the 10 digits, dial again and choose 1."
    )


@pytest.mark.parametrize("language", list(Language))
async def test_the_top_screen_names_the_language_choice_in_every_language(
    language: Language,
) -> None:
    assert screen("top", language, {}).endswith("\n5 Language/Taal/Ulwimi")


async def test_not_fixed_from_another_number_changes_nothing_and_says_the_same(
    service: Notifications, publisher: FakePublisher
) -> None:
    event = logged(language="en")
    await service.deliver(event, REQUESTS_LOGGED)
    await service.deliver(resolved(event.subject), REQUESTS_STATUS)
    stranger = Caller(service, "s-7", OTHER)
    await stranger.send()
    said = await stranger.press("4", event.subject)
    assert await asks(service, publisher) == []
    owner = Caller(service, "s-8")
    await owner.send()
    assert await owner.press("4", event.subject) == said  # reveals nothing
    assert len(await asks(service, publisher)) == 1


async def test_an_expired_session_starts_again_at_the_top(service: Notifications) -> None:
    caller = Caller(service, "s-9")
    await caller.send()
    await caller.press("2")
    service.clock.now += dt.timedelta(seconds=181)
    top = await caller.press("1")  # "2*1": the 2 was forgotten, and so is this 1
    assert top.startswith("CON Mobile Office\n1 Follow a request")
    assert (await caller.press("1")).startswith("CON Type your 10-digit ref")


async def test_a_long_list_of_communities_pages_with_9_more(service: Notifications) -> None:
    areas = {"east": tuple(f"Community number {n:02} of the east" for n in range(20))}
    seen: list[str] = []
    for language in Language:
        state, page = "community:visit:east:0", 0
        while True:
            shown = screen(state, language, areas)
            assert gsm_length("CON " + shown) <= SCREEN_MOST, shown
            seen += re.findall(r"^\d (.+)$", shown, re.M)
            if "\n9 " not in shown:
                break
            page += 1
            state = f"community:visit:east:{page}"
    assert len([s for s in seen if s.startswith("Community")]) == 20 * len(Language)


@pytest.mark.parametrize("language", list(Language))
async def test_every_screen_fits_in_every_language(language: Language) -> None:
    areas = {"east": ("Ekuphumleni Informal Settlement Extension Seven",) * 12, "north": ()}
    choices = [None, Screen.WRONG_CHOICE]
    references = [None, *WRONG_INPUTS]
    for state, wrongs in (
        ("top", choices),
        ("reference", references),
        ("not-fixed", references),
        ("area:visit", choices),
        ("community:news:east:0", choices),
        ("community:news:east:1", choices),
        ("language", choices),
    ):
        for wrong in wrongs:
            shown = "CON " + screen(state, language, areas, wrong)
            assert gsm_length(shown) <= SCREEN_MOST and is_gsm7(shown), shown
    long_name = "Ekuphumleni Informal Settlement Extension Seven " * 4
    for shown in (
        ending(Screen.SUBSCRIBED, language, community=long_name),
        ending(Screen.NOT_FIXED_TAKEN, language, reference="812 345 6789"),
        ending(Screen.UNKNOWN_REFERENCE, language, reference="812 345 6789"),
        ending(Screen.LANGUAGE_SET, language),
    ):
        assert gsm_length("END " + shown) <= SCREEN_MOST and is_gsm7(shown), shown


async def test_a_replayed_or_unsigned_request_is_refused(service: Notifications) -> None:
    first = await service.ussd("s-10", PHONE, "")
    assert first.status_code == 200
    again = await service.ussd("s-10", PHONE, "")
    assert again.status_code == 401 and again.json()["error"]["code"] == "replayed"
    unsigned = await service.client.post(
        "/v1/ussd",
        content=b"sessionId=s-11&phoneNumber=%2B27825550199&text=",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert unsigned.status_code == 401
    stale = await service.ussd("s-12", PHONE, "", timestamp=str(int(NOON.timestamp()) - 600))
    assert stale.status_code == 401 and stale.json()["error"]["code"] == "replayed"
