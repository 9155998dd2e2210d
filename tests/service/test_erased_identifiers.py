"""An erased number or address is remembered only as a keyed hash with the erasure's time: a
request logged (or a follower joined) before the erasure that arrives after it (a tablet
syncing late, a lagging consumer) is kept without the person; one made after it is not
refused. STOPs are kept as keyed hashes too, and those made before the key still hold."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from services.notifications.store import contacts, deliveries, erased_identifiers, opt_outs
from services.notifications.store import followers as followers_table
from shared.contracts.privacy import ErasureRequested
from shared.contracts.requests import FollowerJoined, RequestLogged
from shared.events import CloudEvent, new_event
from shared.identifiers import unkeyed_hash
from shared.topics import PRIVACY_REQUESTS, REQUESTS_LOGGED, source
from tests.support.fakes import FakePublisher
from tests.support.notifications import Notifications, running_notifications
from tests.support.routing import logged_event

PHONE = "+27825550199"  # logged_event's resident
HOUR = dt.timedelta(hours=1)


@pytest.fixture
async def service(tmp_path: Path) -> AsyncIterator[Notifications]:
    async with running_notifications(
        f"sqlite+aiosqlite:///{tmp_path / 'n.db'}",
        publisher=FakePublisher(),
        outbox_dir=tmp_path / "outbox",
    ) as running:
        yield running


def logged_at(at: dt.datetime, reference: str, phone: str = PHONE) -> CloudEvent:
    event = logged_event(reference=reference)
    resident = {**event.data["resident"], "phone": phone}
    data = RequestLogged.model_validate({**event.data, "resident": resident, "logged_at": at})
    return new_event(data, source("intake"), reference, at)


async def erase(service: Notifications, phone: str) -> None:
    asked = ErasureRequested(request_id="p-1", phone=phone, asked_at=service.clock())
    await service.deliver(
        new_event(asked, source("intake"), "p-1", service.clock()), PRIVACY_REQUESTS
    )


async def test_a_request_logged_before_the_erasure_is_kept_without_the_person(
    service: Notifications,
) -> None:
    erased_at = service.clock()
    await erase(service, PHONE)
    service.clock.now += HOUR  # the late events arrive an hour on
    await service.deliver(logged_at(erased_at - HOUR, "5000000001"), REQUESTS_LOGGED)
    await service.deliver(logged_at(erased_at, "5000000002"), REQUESTS_LOGGED)
    await service.deliver(logged_at(erased_at + HOUR, "5000000003"), REQUESTS_LOGGED)
    joined = FollowerJoined.model_validate(
        {**logged_event().data, "reference": "5000000003", "joined_at": erased_at - HOUR}
    )
    await service.deliver(
        new_event(joined, source("intake"), "5000000003", service.clock()), REQUESTS_LOGGED
    )
    async with service.app.state.db.reading() as conn:
        kept = {r.reference: r for r in await conn.execute(select(contacts))}
        to = set(await conn.scalars(select(deliveries.c.subject)))
        following = list(await conn.scalars(select(followers_table.c.address)))
        remembered = list(await conn.scalars(select(erased_identifiers.c.identifier_hash)))
    assert set(kept) == {"5000000001", "5000000002", "5000000003"}  # every request stays
    for before in ("5000000001", "5000000002"):
        assert (kept[before].phone, kept[before].updates_by) == (None, "none")
    assert kept["5000000003"].phone == PHONE  # logged after the erasure: theirs again
    assert to == {"5000000003"}
    assert following == []
    assert remembered != [hashlib.sha256(PHONE.encode()).hexdigest()]
    assert not any(PHONE[3:] in digest for digest in remembered)


async def test_a_stop_is_kept_as_a_keyed_hash_and_an_older_plain_one_still_holds(
    service: Notifications,
) -> None:
    older = "+27825550188"
    async with service.app.state.db.transaction() as conn:
        plain = unkeyed_hash("opt-out", older)  # as STOPs were kept before the key
        await conn.execute(insert(opt_outs).values(phone_hash=plain, stopped_at=service.clock()))
    assert (await service.reply(PHONE, "STOP")).json() == {"action": "stopped"}
    async with service.app.state.db.reading() as conn:
        stored = set(await conn.scalars(select(opt_outs.c.phone_hash)))
    assert hashlib.sha256(f"mobileoffice opt-out {PHONE}".encode()).hexdigest() not in stored
    assert len(stored) == 2
    for phone in (PHONE, older):
        await service.deliver(
            logged_at(service.clock(), f"50000000{phone[-2:]}", phone), REQUESTS_LOGGED
        )
    await service.dispatch()
    async with service.app.state.db.reading() as conn:
        statuses = set(await conn.scalars(select(deliveries.c.status)))
    assert statuses == {"suppressed"}
