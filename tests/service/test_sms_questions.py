"""Residents ask by SMS: STATUS <ref>, VISIT <community>, HELP, and anything else each get
exactly one answer of one segment at the gateway, in the language of the number's latest
request (else the keyword's, else English); the 11th command of a day gets nothing and is
counted; an unsigned one is refused."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from services.notifications.answers.domain import ANSWERS_PER_DAY
from services.notifications.messages.domain import SEGMENT, gsm_length, is_gsm7
from shared.clock import CAPE_TOWN
from shared.contracts.routing import RequestRouted, RoutingOutcome
from shared.contracts.visits import VisitScheduled
from shared.events import CloudEvent, new_event
from shared.reference import format_for_reading, new_reference
from shared.reference import parse as parse_reference
from shared.topics import REQUESTS_LOGGED, REQUESTS_ROUTED, VISITS, source
from tests.support.clock import NOON
from tests.support.gateways import SmsGatewayServer
from tests.support.notifications import PHONE, Notifications, logged

STRANGER = "+27825550111"  # a number with no request and no subscription


def routed_with_due(reference: str) -> CloudEvent:
    data = RequestRouted(
        reference=reference,
        category="water",
        area="east",
        community="Khayelitsha",
        outcome=RoutingOutcome.ROUTED,
        status="routed",
        department="water-and-sanitation",
        due_at=dt.datetime(2026, 12, 15, 12, tzinfo=dt.UTC),
        decided_at=dt.datetime.now(dt.UTC),
    )
    return new_event(data, source("routing"), reference, data.decided_at)


def visit(day: dt.date, community: str = "Delft") -> CloudEvent:
    starts = dt.datetime.combine(day, dt.time(9, 30), tzinfo=CAPE_TOWN)
    data = VisitScheduled(
        visit_id=f"visit-{community}-{day}",
        area="east",
        community=community,
        venue="Delft Library",
        date=day,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=4),
        team="team-1",
    )
    return new_event(data, source("scheduling"), data.visit_id, NOON)


async def answers_to(
    service: Notifications, gateway: SmsGatewayServer, sender: str, text: str
) -> list[str]:
    """What the gateway was given to send after `sender` texted `text` (signed, fresh)."""
    gateway.accepted.clear()
    response = await service.reply(sender, text)
    assert response.status_code == 200, response.text
    await service.dispatch()
    found = [str(m["text"]) for m in gateway.accepted if m["to"] == sender]
    assert all(gsm_length(t) <= SEGMENT and is_gsm7(t) for t in found), found
    return found


async def test_status_is_answered_in_the_language_of_the_numbers_request(
    service: Notifications, gateway: SmsGatewayServer
) -> None:
    event = logged(language="af")  # the resident reads Afrikaans
    await service.deliver(event, REQUESTS_LOGGED)
    await service.deliver(routed_with_due(event.subject), REQUESTS_ROUTED)
    await service.dispatch()
    [answer] = await answers_to(service, gateway, PHONE, f"status {event.subject}")
    assert answer.startswith(f"Verw {format_for_reading(event.subject)}: na die departement")
    assert "Water & Sanitation" in answer and "Di 15 Des" in answer


async def test_status_from_another_number_is_answered_in_english_or_its_keywords_language(
    service: Notifications, gateway: SmsGatewayServer
) -> None:
    event = logged(language="af")
    await service.deliver(event, REQUESTS_LOGGED)
    await service.dispatch()
    [answer] = await answers_to(service, gateway, STRANGER, f"STATUS {event.subject}")
    assert "logged, to be sent to a department" in answer
    [xhosa] = await answers_to(service, gateway, "+27825550112", f"IMEKO {event.subject}")
    assert xhosa.startswith("Inombolo") and "ibhalisiwe" in xhosa


async def test_an_unknown_reference_says_so(
    service: Notifications, gateway: SmsGatewayServer
) -> None:
    unknown = new_reference()
    [answer] = await answers_to(service, gateway, STRANGER, f"STATUS {unknown}")
    assert answer.startswith(f"Ref {format_for_reading(unknown)} is not known")


async def test_visit_names_the_next_visit_or_the_closest_communities(
    service: Notifications, gateway: SmsGatewayServer
) -> None:
    await service.deliver(visit(dt.date(2026, 12, 3)), VISITS)  # past
    await service.deliver(visit(dt.date(2026, 12, 17)), VISITS)
    [answer] = await answers_to(service, gateway, STRANGER, "visit delft")
    assert answer == "Mobile Office visits Delft on Thu 17 Dec, 09:30-13:30 at Delft Library."
    [besoek] = await answers_to(service, gateway, "+27825550113", "BESOEK Delft")
    assert besoek.startswith("Mobiele Kantoor besoek Delft op Do 17 Des")
    [closest] = await answers_to(service, gateway, STRANGER, "VISIT Manga")
    assert "Did you mean: Langa, Nyanga?" in closest
    [none] = await answers_to(service, gateway, STRANGER, "NEXT Mamre")
    assert none.startswith("No Mobile Office visit to Mamre is announced yet")


async def test_a_misspelt_community_with_one_close_name_is_answered_for_it(
    service: Notifications, gateway: SmsGatewayServer
) -> None:
    await service.deliver(visit(dt.date(2026, 12, 17)), VISITS)
    [delft] = await answers_to(service, gateway, STRANGER, "VISIT Delf")
    assert delft == "Mobile Office visits Delft on Thu 17 Dec, 09:30-13:30 at Delft Library."
    [khayelitsha] = await answers_to(service, gateway, STRANGER, "NEXT Khayalitsha")
    assert khayelitsha.startswith("No Mobile Office visit to Khayelitsha is announced yet")


@pytest.mark.parametrize(
    ("text", "starts"),
    [
        ("HELP", "Mobile Office: send STATUS"),
        ("hulp", "Mobiele Kantoor: stuur STATUS"),
        ("UNCEDO", "I-Ofisi eHambayo: thumela IMEKO"),
        ("where is my water??", "Mobile Office: send STATUS"),
    ],
)
async def test_help_and_nonsense_get_the_commands(
    service: Notifications, gateway: SmsGatewayServer, text: str, starts: str
) -> None:
    [answer] = await answers_to(service, gateway, STRANGER, text)
    assert answer.startswith(starts)


async def test_the_numbers_language_wins_over_the_keywords(
    service: Notifications, gateway: SmsGatewayServer
) -> None:
    await service.deliver(logged(language="xh"), REQUESTS_LOGGED)
    await service.dispatch()
    [answer] = await answers_to(service, gateway, PHONE, "HELP")
    assert answer.startswith("I-Ofisi eHambayo")


async def test_an_afrikaans_or_isixhosa_keyword_is_remembered_for_the_number(
    service: Notifications, gateway: SmsGatewayServer
) -> None:
    event = logged(language="en")
    await service.deliver(event, REQUESTS_LOGGED)
    await service.dispatch()
    [hulp] = await answers_to(service, gateway, STRANGER, "HULP")
    assert hulp.startswith("Mobiele Kantoor")
    service.clock.now += dt.timedelta(seconds=1)
    [status] = await answers_to(service, gateway, STRANGER, f"STATUS {event.subject}")
    assert status.startswith("Verw ") and "aangeteken" in status
    # The number's request was in English; its UTYELELO says it reads isiXhosa now.
    [visit] = await answers_to(service, gateway, PHONE, "UTYELELO Delft")
    assert visit.startswith("Akukabikho lutyelelo")
    service.clock.now += dt.timedelta(seconds=1)
    [later] = await answers_to(service, gateway, PHONE, f"STATUS {event.subject}")
    assert later.startswith("Inombolo ") and "ibhalisiwe" in later
    service.clock.now += dt.timedelta(seconds=1)
    [english] = await answers_to(service, gateway, PHONE, "HELP")  # an English keyword: kept
    assert english.startswith("I-Ofisi eHambayo")


@pytest.mark.parametrize(
    "typed",
    [
        "{ref}",
        "{spaced}",
        "{dashed}",
        "Ref {spaced}",
        "ref: {dashed}.",
        "STATUS{ref}",
        "status:{spaced}",
        "STATUS Ref {spaced}",
    ],
)
async def test_a_bare_or_pasted_reference_is_answered_as_status(
    service: Notifications, gateway: SmsGatewayServer, typed: str
) -> None:
    event = logged(language="en")
    await service.deliver(event, REQUESTS_LOGGED)
    await service.dispatch()
    ref = event.subject
    spaced = format_for_reading(ref)
    text = typed.format(ref=ref, spaced=spaced, dashed=spaced.replace(" ", "-"))
    [answer] = await answers_to(service, gateway, STRANGER, text)
    assert answer == f"Ref {spaced}: logged, to be sent to a department."


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("STATUS", "Send STATUS and your 10-digit ref, e.g. STATUS 512 345 6782."),
        ("visit", "Send VISIT and your community, e.g. VISIT Delft."),
        ("Next ", "Send NEXT and your community, e.g. NEXT Delft."),
        ("BESOEK", "Stuur BESOEK en u gemeenskap, bv. BESOEK Delft."),
        ("imeko", "Thumela IMEKO nenombolo yakho yamanani ali-10, umz. IMEKO 512 345 6782."),
    ],
)
async def test_a_bare_keyword_gets_a_hint_with_an_example(
    service: Notifications, gateway: SmsGatewayServer, text: str, hint: str
) -> None:
    [answer] = await answers_to(service, gateway, STRANGER, text)
    assert answer == hint
    parse_reference("512 345 6782")  # the example is a reference a resident could have


async def test_a_number_that_said_stop_still_gets_its_answer(
    service: Notifications, gateway: SmsGatewayServer
) -> None:
    assert (await service.reply(STRANGER, "STOP")).json() == {"action": "stopped"}
    assert len(await answers_to(service, gateway, STRANGER, "HELP")) == 1


async def test_the_eleventh_command_of_a_day_gets_nothing_and_is_counted(
    service: Notifications, gateway: SmsGatewayServer
) -> None:
    metric = "mo_notifications_unanswered_total"
    registry = service.app.state.registry
    before = registry.get_sample_value(metric) or 0.0
    for _ in range(ANSWERS_PER_DAY):
        service.clock.now += dt.timedelta(seconds=1)  # a new signed body each time
        assert len(await answers_to(service, gateway, STRANGER, "HELP")) == 1
    service.clock.now += dt.timedelta(seconds=1)
    gateway.accepted.clear()
    response = await service.reply(STRANGER, "HELP")
    assert response.json() == {"action": "unanswered"}
    await service.dispatch()
    assert [m for m in gateway.accepted if m["to"] == STRANGER] == []
    assert registry.get_sample_value(metric) == before + 1
    # Another number still gets its answer; the next day this one does again.
    assert len(await answers_to(service, gateway, "+27825550114", "HELP")) == 1
    service.clock.now += dt.timedelta(days=1)
    assert len(await answers_to(service, gateway, STRANGER, "HELP")) == 1


async def test_an_unsigned_command_is_refused_and_answered_by_nothing(
    service: Notifications, gateway: SmsGatewayServer
) -> None:
    raw = json.dumps({"from": STRANGER, "text": "HELP", "timestamp": NOON.isoformat()})
    response = await service.client.post(
        "/v1/sms/inbound", content=raw, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 401
    await service.dispatch()
    assert gateway.accepted == []


@pytest.mark.parametrize("yes", ["YES", "Ja", "ewe", "JA!"])
async def test_ja_and_ewe_confirm_visit_news_as_yes_does(
    service: Notifications, gateway: SmsGatewayServer, yes: str
) -> None:
    asked = await service.client.post(
        "/v1/subscriptions", json={"community": "Delft", "phone": STRANGER}
    )
    assert asked.status_code == 202
    assert (await service.reply(STRANGER, yes)).json() == {"action": "subscribed"}


@pytest.mark.parametrize(("help_word", "yes"), [("HELP", "YES"), ("HULP", "JA"), ("UNCEDO", "EWE")])
async def test_help_mentions_the_yes_of_its_language(
    service: Notifications, gateway: SmsGatewayServer, help_word: str, yes: str
) -> None:
    [answer] = await answers_to(service, gateway, STRANGER, help_word)
    assert f" {yes} " in answer


async def test_an_answer_goes_at_once_in_quiet_hours(
    service: Notifications, gateway: SmsGatewayServer
) -> None:
    service.clock.now = dt.datetime(2026, 12, 8, 21, 30, tzinfo=CAPE_TOWN)  # quiet from 20:00
    assert len(await answers_to(service, gateway, STRANGER, "HELP")) == 1
