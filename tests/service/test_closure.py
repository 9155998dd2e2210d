"""Honest closure: resolving or closing a request says why (a cause, with what that cause
needs), and the resident's SMS says which, in their language, in one GSM-7 segment."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from services.notifications.messages.domain import SEGMENT, gsm_length
from shared.contracts.routing import Cause, StatusChanged
from shared.events import CONTENT_TYPE, new_event, parse_event
from shared.topics import REQUESTS_LOGGED, REQUESTS_ROUTED, REQUESTS_STATUS, source
from tests.support.fakes import FakePublisher
from tests.support.gateways import SmsGatewayServer
from tests.support.notifications import Notifications, logged, routed
from tests.support.routing import Routing, logged_event, running_routing

TEAM = "water-and-sanitation"


@pytest.fixture
def publisher() -> FakePublisher:
    return FakePublisher()


@pytest.fixture
async def routing(tmp_path: Path, publisher: FakePublisher) -> AsyncIterator[Routing]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'r.db'}"
    async with running_routing(url, publisher=publisher) as running:
        yield running


async def routed_request(routing: Routing, category: str = "water") -> str:
    event = logged_event(category=category)
    await routing.app.state.broker.publish(
        event.to_bytes(), REQUESTS_LOGGED, key=event.key, headers={"content-type": CONTENT_TYPE}
    )
    await routing.drain_outbox()
    return event.subject


@pytest.mark.parametrize(
    ("status", "closure", "field", "says"),
    [
        ("resolved", {}, "cause", "required"),
        ("closed", {}, "cause", "required"),
        ("resolved", {"cause": "no-further-action"}, "reason", "why"),
        ("resolved", {"cause": "not-responsible"}, "responsible", "who"),
        ("closed", {"cause": "duplicate"}, "duplicate_of", "repeats"),
        ("acknowledged", {"cause": "fixed"}, "cause", "only resolving or closing"),
    ],
)
async def test_a_closure_without_what_its_cause_needs_is_refused_naming_the_field(
    routing: Routing, status: str, closure: dict[str, str], field: str, says: str
) -> None:
    reference = await routed_request(routing)
    refused = await routing.report(reference, TEAM, status, closure=closure)
    assert refused.status_code == 422, refused.text
    assert says in refused.json()["error"]["fields"][field]


async def test_a_duplicate_names_another_open_request_of_the_same_category(
    routing: Routing, publisher: FakePublisher
) -> None:
    first, second = await routed_request(routing), await routed_request(routing)
    bins = await routed_request(routing, category="bins")
    for wrong in (second, bins, "1234567897"):  # itself, another category, unknown
        refused = await routing.report(
            second, TEAM, "closed", cause="duplicate", duplicate_of=wrong
        )
        assert refused.status_code == 422 and "duplicate_of" in refused.json()["error"]["fields"]
    joined = await routing.report(second, TEAM, "closed", cause="duplicate", duplicate_of=first)
    assert joined.status_code == 202, joined.text
    await routing.drain_outbox()
    [change] = [
        parse_event(m.value).data_as(StatusChanged)
        for m in publisher.sent
        if m.topic == REQUESTS_STATUS and m.key == second.encode()
    ]
    assert change.cause is Cause.DUPLICATE and change.duplicate_of == first


WHAT_RESIDENTS_READ = {
    # cause, detail -> the words that say which, per language
    ("fixed", None): {"en": "resolved", "af": "opgelos", "xh": "sonjululwe"},
    ("no-further-action", "The leak is on private property"): {
        "en": "no further action: The leak",
        "af": "geen verdere stappe nie: The leak",
        "xh": "angakumbi: The leak",
    },
    ("not-responsible", "Eskom on 08600 37566"): {
        "en": "not responsible",
        "af": "nie hiervoor verantwoordelik nie",
        "xh": "ayinaxanduva",
    },
    ("duplicate", None): {"en": "same problem", "af": "dieselfde probleem", "xh": "efanayo"},
    ("referred", "Call Eskom."): {"en": "another body", "af": "ander instansie", "xh": "iziko"},
}


@pytest.mark.parametrize("language", ["en", "af", "xh"])
@pytest.mark.parametrize(("cause", "detail"), list(WHAT_RESIDENTS_READ))
async def test_the_resident_hears_why_it_was_closed_in_their_language_in_one_sms(
    service: Notifications,
    gateway: SmsGatewayServer,
    language: str,
    cause: str,
    detail: str | None,
) -> None:
    event = logged(language=language)
    reference = event.subject
    other = "5555555553" if cause == "duplicate" else None
    change = StatusChanged(
        reference=reference,
        status="closed",  # type: ignore[arg-type]
        previous_status="in_progress",  # type: ignore[arg-type]
        department=TEAM,
        cause=Cause(cause),
        cause_detail=detail,
        duplicate_of=other,
        changed_at=dt.datetime.now(dt.UTC),
    )
    await service.deliver(event, REQUESTS_LOGGED)
    await service.deliver(routed(reference), REQUESTS_ROUTED)
    closing = new_event(change, source("routing"), reference, change.changed_at)
    await service.deliver(closing, REQUESTS_STATUS)
    await service.dispatch()
    text = gateway.accepted[-1]["text"]
    assert WHAT_RESIDENTS_READ[(cause, detail)][language] in text
    if other:
        assert "555 555 5553" in text
    assert gsm_length(text) <= SEGMENT
