"""What a resident hears of an application, in their language and one SMS: the papers to
bring and the next visit to their community, an approval until when (and the reminder to
renew it before then, on a clock the test moves), a decline with its reason and the last
day to appeal."""

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from services.notifications.messages.domain import SEGMENT, gsm_length
from shared.clock import CAPE_TOWN
from shared.contracts.routing import StatusChanged
from shared.contracts.visits import VisitScheduled
from shared.events import new_event
from shared.topics import REQUESTS_LOGGED, REQUESTS_STATUS, VISITS, source
from tests.support.clock import NOON, Clock
from tests.support.fakes import FakePublisher
from tests.support.gateways import SmsGatewayServer, sms_gateway
from tests.support.notifications import Notifications, logged, running_notifications


@pytest.fixture
async def gateway() -> AsyncIterator[SmsGatewayServer]:
    async with sms_gateway() as server:
        yield server


@pytest.fixture
async def service(tmp_path: Path, gateway: SmsGatewayServer) -> AsyncIterator[Notifications]:
    async with running_notifications(
        f"sqlite+aiosqlite:///{tmp_path / 'n.db'}",
        publisher=FakePublisher(),
        sms_url=gateway.url,
        clock=Clock(NOON),
    ) as running:
        yield running


def decided(reference: str, status: str, service: str = "indigent-support", **verdict: Any):
    data = StatusChanged(
        reference=reference,
        status=status,
        previous_status="routed",
        department="revenue",
        changed_at=NOON,
        service=service,
        **verdict,
    )
    return new_event(data, source("routing"), reference, NOON)


def visit(day: dt.date, community: str = "Khayelitsha"):
    starts = dt.datetime.combine(day, dt.time(9, 30), tzinfo=CAPE_TOWN)
    data = VisitScheduled(
        visit_id=f"visit-{day}",
        area="east",
        community=community,
        venue="Site C Community Hall",
        date=day,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=4),
        team="team-1",
    )
    return new_event(data, source("scheduling"), data.visit_id, NOON)


async def texts(service: Notifications, gateway: SmsGatewayServer) -> list[str]:
    await service.dispatch()
    found = [str(m["text"]) for m in gateway.accepted]
    gateway.accepted.clear()
    assert all(gsm_length(text) <= SEGMENT for text in found), found
    return found


async def test_papers_asked_for_name_them_and_the_next_visit(
    service: Notifications, gateway: SmsGatewayServer
) -> None:
    resident = logged(language="en", service="indigent-support")  # Khayelitsha
    await service.deliver(resident, REQUESTS_LOGGED)
    [first] = await texts(service, gateway)
    assert "your application is logged" in first, first
    await service.deliver(visit(dt.date(2026, 12, 3)), VISITS)  # past: not the next one
    await service.deliver(visit(dt.date(2026, 12, 15)), VISITS)
    await service.deliver(visit(dt.date(2027, 1, 12)), VISITS)
    asked = decided(resident.subject, "more_information_needed", missing=["bank_statements"])
    await service.deliver(asked, REQUESTS_STATUS)
    [sms] = await texts(service, gateway)
    assert "Bank statements" in sms and "Khayelitsha" in sms and "Tue 15 Dec" in sms, sms
    assert "09:30-13:30" in sms and "Site C" in sms


async def test_papers_asked_for_without_a_visit_say_to_come_to_the_next(
    service: Notifications, gateway: SmsGatewayServer
) -> None:
    resident = logged(language="af")
    await service.deliver(resident, REQUESTS_LOGGED)
    await texts(service, gateway)
    asked = decided(resident.subject, "more_information_needed", missing=["id_document"])
    await service.deliver(asked, REQUESTS_STATUS)
    [sms] = await texts(service, gateway)
    assert "ID-dokument" in sms and "volgende besoek" in sms, sms


async def test_an_approval_that_ends_is_told_and_reminded_before_the_end(
    service: Notifications, gateway: SmsGatewayServer
) -> None:
    resident = logged(language="en")
    await service.deliver(resident, REQUESTS_LOGGED)
    await texts(service, gateway)
    until = dt.date(2027, 12, 8)
    await service.deliver(decided(resident.subject, "approved", valid_until=until), REQUESTS_STATUS)
    [approved] = await texts(service, gateway)
    assert "Indigent support" in approved and "Tue 8 Dec" in approved and "until" in approved
    service.clock.now = dt.datetime(2027, 11, 7, 12, 0, tzinfo=CAPE_TOWN)  # 31 days before
    assert await texts(service, gateway) == []
    service.clock.now = dt.datetime(2027, 11, 8, 9, 5, tzinfo=CAPE_TOWN)  # 30 days before
    [reminder] = await texts(service, gateway)
    assert "ends on Wed 8 Dec" in reminder and "Renew" in reminder and "Khayelitsha" in reminder
    assert await texts(service, gateway) == []  # once


async def test_a_decline_gives_the_reason_and_the_last_day_to_appeal_in_isixhosa(
    service: Notifications, gateway: SmsGatewayServer
) -> None:
    resident = logged(language="xh")
    await service.deliver(resident, REQUESTS_LOGGED)
    await texts(service, gateway)
    declined = decided(
        resident.subject,
        "declined",
        "rates-rebate-seniors",
        decline_reason="income_over_limit",
        appeal_by=dt.date(2027, 1, 7),
    )
    await service.deliver(declined, REQUESTS_STATUS)
    [sms] = await texts(service, gateway)
    assert "Ingeniso yekhaya" in sms and "7 Jan" in sms and "asamkelwanga" in sms, sms


async def test_the_reminder_to_renew_names_the_next_visit_as_planned_by_then(
    service: Notifications, gateway: SmsGatewayServer
) -> None:
    resident = logged(language="en")
    await service.deliver(resident, REQUESTS_LOGGED)
    until = dt.date(2027, 12, 8)
    await service.deliver(decided(resident.subject, "approved", valid_until=until), REQUESTS_STATUS)
    await texts(service, gateway)
    await service.deliver(visit(dt.date(2027, 11, 20)), VISITS)  # planned after the approval
    service.clock.now = dt.datetime(2027, 11, 8, 9, 5, tzinfo=CAPE_TOWN)
    [reminder] = await texts(service, gateway)
    assert "Sat 20 Nov" in reminder and "Site C" in reminder and "ends on Wed 8 Dec" in reminder
