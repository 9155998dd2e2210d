"""Was it fixed? A configurable time after a request is resolved (controlled clock), its
resident gets one SMS asking; FIXED <reference> from the number its updates go to is kept by
routing and counted in the standards report, from another number it changes nothing; NOT
FIXED reopens as before. The report also counts the requests by the channel they came by."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from services.routing.store import requests
from shared.clock import CAPE_TOWN
from shared.contracts.common import RequestStatus
from shared.contracts.requests import FixedConfirmed, ReopenAsked
from shared.contracts.routing import Cause, StatusChanged
from shared.events import CONTENT_TYPE, CloudEvent, new_event, parse_event
from shared.store import as_utc
from shared.topics import (
    REQUESTS_LOGGED,
    REQUESTS_REOPEN,
    REQUESTS_ROUTED,
    REQUESTS_STATUS,
    EventType,
    source,
)
from tests.support.clock import NOON, Clock
from tests.support.fakes import FakePublisher
from tests.support.gateways import SmsGatewayServer
from tests.support.notifications import PHONE, Notifications, logged, routed, running_notifications
from tests.support.routing import Routing, logged_event, running_routing

TEAM = "water-and-sanitation"
ASKED = "was it fixed?"
FIXED_CONFIRMED = EventType.REQUEST_FIXED_CONFIRMED


def changed(
    reference: str, status: RequestStatus, previous: RequestStatus, at: dt.datetime
) -> CloudEvent:
    data = StatusChanged(
        reference=reference,
        status=status,
        previous_status=previous,
        department=TEAM,
        cause=Cause.FIXED if status is RequestStatus.RESOLVED else None,
        changed_at=at,
    )
    return new_event(data, source("routing"), reference, at)


def resolved(reference: str, at: dt.datetime) -> CloudEvent:
    return changed(reference, RequestStatus.RESOLVED, RequestStatus.IN_PROGRESS, at)


def asked_for(gateway: SmsGatewayServer, reference: str) -> list[str]:
    grouped = f"{reference[:3]} {reference[3:6]} {reference[6:]}"
    return [m["text"] for m in gateway.accepted if ASKED in m["text"] and grouped in m["text"]]


def confirmed_fixed(publisher: FakePublisher) -> list[FixedConfirmed]:
    events = [parse_event(m.value) for m in publisher.sent if m.topic == REQUESTS_REOPEN]
    return [e.data_as(FixedConfirmed) for e in events if e.type == FIXED_CONFIRMED]


def reopen_asked(publisher: FakePublisher) -> list[ReopenAsked]:
    events = [parse_event(m.value) for m in publisher.sent if m.topic == REQUESTS_REOPEN]
    return [e.data_as(ReopenAsked) for e in events if e.type == EventType.REQUEST_REOPEN_ASKED]


async def a_resolved_request(service: Notifications, at: dt.datetime) -> str:
    event = logged(language="en")
    await service.deliver(event, REQUESTS_LOGGED)
    await service.deliver(routed(event.subject), REQUESTS_ROUTED)
    await service.deliver(resolved(event.subject, at), REQUESTS_STATUS)
    return str(event.subject)


async def test_the_fixed_check_goes_once_after_the_configured_days_and_not_once_reopened(
    tmp_path: Path, gateway: SmsGatewayServer
) -> None:
    clock = Clock(NOON)
    url = f"sqlite+aiosqlite:///{tmp_path / 'n.db'}"
    async with running_notifications(
        url, publisher=FakePublisher(), clock=clock, sms_url=gateway.url, fixed_check_days=3
    ) as service:
        fixed = await a_resolved_request(service, NOON)
        reopened = await a_resolved_request(service, NOON)
        await service.dispatch()  # the "resolved" SMS, now
        assert asked_for(gateway, fixed) == []

        clock.now = NOON + dt.timedelta(days=1)
        back = changed(reopened, RequestStatus.IN_PROGRESS, RequestStatus.RESOLVED, clock.now)
        await service.deliver(back, REQUESTS_STATUS)

        clock.now = NOON + dt.timedelta(days=3) - dt.timedelta(minutes=1)
        await service.dispatch()
        assert asked_for(gateway, fixed) == []  # not before its time

        clock.now = NOON + dt.timedelta(days=3)
        await service.dispatch()
        [text] = asked_for(gateway, fixed)
        assert text.startswith(f"Ref {fixed[:3]} {fixed[3:6]} {fixed[6:]}: was it fixed?")
        assert "Reply FIXED" in text and "NOT FIXED" in text and len(text) <= 160
        assert asked_for(gateway, reopened) == []  # reopened before it went: never asked

        # Not twice: the same resolution again (a redelivery), time passing, another dispatch.
        await service.deliver(resolved(fixed, NOON), REQUESTS_STATUS)
        clock.now = NOON + dt.timedelta(days=10)
        await service.dispatch()
        assert len(asked_for(gateway, fixed)) == 1
        assert asked_for(gateway, reopened) == []


async def test_fixed_from_the_residents_number_is_published_and_from_another_is_not(
    tmp_path: Path, gateway: SmsGatewayServer
) -> None:
    publisher, clock = FakePublisher(), Clock(NOON)
    url = f"sqlite+aiosqlite:///{tmp_path / 'n.db'}"
    async with running_notifications(
        url, publisher=publisher, clock=clock, sms_url=gateway.url
    ) as service:
        reference = await a_resolved_request(service, NOON - dt.timedelta(days=1))
        grouped = f"{reference[:3]} {reference[3:6]} {reference[6:]}"
        stranger = await service.reply("+27825550111", f"FIXED {grouped}")
        assert stranger.json() == {"action": "ignored"}
        await service.app.state.relay.drain()
        assert confirmed_fixed(publisher) == []

        mine = await service.reply(PHONE, f"fixed {reference}")
        assert mine.json() == {"action": "fixed confirmed"}
        await service.app.state.relay.drain()
        [confirmed] = confirmed_fixed(publisher)
        assert confirmed.reference == reference and confirmed.confirmed_at == NOON
        assert reopen_asked(publisher) == []

        # Confirmed already: the question is not asked a week later.
        clock.now = NOON + dt.timedelta(days=8)
        await service.dispatch()
        assert asked_for(gateway, reference) == []

        # NOT FIXED still reopens.
        not_fixed = await service.reply(PHONE, f"NOT FIXED {grouped}")
        assert not_fixed.json() == {"action": "reopen asked"}
        await service.app.state.relay.drain()
        [asked] = reopen_asked(publisher)
        assert asked.reference == reference


async def put(routing: Routing, topic: str, event: CloudEvent) -> None:
    await routing.app.state.broker.publish(
        event.to_bytes(), topic, key=event.key, headers={"content-type": CONTENT_TYPE}
    )
    await routing.drain_outbox()


def confirmation(reference: str, at: dt.datetime) -> CloudEvent:
    return new_event(
        FixedConfirmed(reference=reference, confirmed_at=at), source("notifications"), reference, at
    )


async def test_routing_keeps_fixed_and_the_report_gives_the_shares_and_the_channels(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'r.db'}"
    async with running_routing(url, publisher=FakePublisher()) as routing:
        at_visit, app, partner, untold = (
            logged_event(channel="visit"),
            logged_event(channel="visit", description="Burst pipe"),
            logged_event(channel="open311", description="Dripping tap"),
            logged_event(description="Low pressure"),  # an older producer: no channel
        )
        for event in (at_visit, app, partner, untold):
            await put(routing, REQUESTS_LOGGED, event)
        for event in (at_visit, app, partner):
            report = await routing.report(event.subject, TEAM, "resolved", cause="fixed")
            assert report.status_code == 202
        now = dt.datetime.now(dt.UTC)
        await put(routing, REQUESTS_REOPEN, confirmation(at_visit.subject, now))
        await put(routing, REQUESTS_REOPEN, confirmation(untold.subject, now))  # not resolved
        asked = ReopenAsked(reference=app.subject, reason="Still", asked_by="x", asked_at=now)
        await put(routing, REQUESTS_REOPEN, new_event(asked, source("intake"), app.subject, now))

        month = now.astimezone(CAPE_TOWN).strftime("%Y-%m")
        [water] = (await routing.client.get("/v1/standards", params={"month": month})).json()
        assert water["received"] == 4 and water["resolved"] == 3
        assert water["confirmed_fixed"] == 1
        assert water["share_confirmed_fixed"] == pytest.approx(0.333)
        assert water["reopened"] == 1 and water["share_reopened"] == pytest.approx(0.333)
        assert water["channels"] == {"open311": 1, "unknown": 1, "visit": 2}

        # Refused while it was open: resolving it later does not make it confirmed.
        report = await routing.report(untold.subject, TEAM, "resolved", cause="fixed")
        assert report.status_code == 202
        [water] = (await routing.client.get("/v1/standards", params={"month": month})).json()
        assert water["resolved"] == 4 and water["confirmed_fixed"] == 1

        # Confirmed twice: the first kept; and a request confirmed later counts.
        later = now + dt.timedelta(hours=1)
        await put(routing, REQUESTS_REOPEN, confirmation(at_visit.subject, later))
        await put(routing, REQUESTS_REOPEN, confirmation(partner.subject, later))
        [water] = (await routing.client.get("/v1/standards", params={"month": month})).json()
        assert water["confirmed_fixed"] == 2
        async with routing.app.state.db.reading() as conn:
            kept = await conn.scalar(
                select(requests.c.fixed_confirmed_at).where(
                    requests.c.reference == at_visit.subject
                )
            )
        assert as_utc(kept) == now
