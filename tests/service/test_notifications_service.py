"""Notifications on a real SQLite store, FastStream's in-memory broker, a real local SMS
gateway and a clock the tests set. (The scenarios that also run on the real broker are in
tests/integration/test_notifications_scenarios.py.)"""

import contextlib
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from shared.topics import (
    REQUESTS_LOGGED,
    REQUESTS_ROUTED,
    REQUESTS_STATUS,
)
from tests.support.fakes import FakePublisher
from tests.support.gateways import SmsGatewayServer, sms_gateway
from tests.support.notifications import (
    Notifications,
    logged,
    routed,
    running_notifications,
    status,
)


@pytest.fixture
async def gateway() -> AsyncIterator[SmsGatewayServer]:
    async with sms_gateway() as server:
        yield server


@pytest.fixture
def publisher() -> FakePublisher:
    return FakePublisher()


@pytest.fixture
async def service(
    tmp_path: Path, gateway: SmsGatewayServer, publisher: FakePublisher
) -> AsyncIterator[Notifications]:
    async with running_notifications(
        f"sqlite+aiosqlite:///{tmp_path / 'n.db'}",
        publisher=publisher,
        sms_url=gateway.url,
        max_attempts=3,
    ) as running:
        yield running


async def test_updates_by_none_means_nothing_is_ever_sent(
    service: Notifications, gateway: SmsGatewayServer
) -> None:
    event = logged(updates_by="none")
    await service.deliver(event, REQUESTS_LOGGED)
    await service.deliver(routed(event.subject), REQUESTS_ROUTED)
    await service.deliver(status(event.subject, "resolved"), REQUESTS_STATUS)
    await service.dispatch()
    assert gateway.calls == 0
    assert await service.sent_for(event.subject) == []
    async with service.app.state.db.reading() as conn:
        from services.notifications.store import contacts

        [row] = (await conn.execute(contacts.select())).all()
    assert row.phone is None and row.email is None  # nothing kept that is not needed


async def test_a_referral_starts_the_contact_details_retention(service: Notifications) -> None:
    """Another body has the request: the City's work on it ended, so the resident's contact
    details are kept for the retention period from then, not for ever."""
    event = logged()
    await service.deliver(event, REQUESTS_LOGGED)
    await service.deliver(routed(event.subject, outcome="referred"), REQUESTS_ROUTED)
    async with service.app.state.db.reading() as conn:
        from services.notifications.store import contacts

        [row] = (await conn.execute(contacts.select())).all()
    assert row.closed_at is not None


async def test_an_update_that_arrives_before_the_logged_event_waits_for_it(
    service: Notifications, gateway: SmsGatewayServer
) -> None:
    event = logged(language="af")
    await service.deliver(routed(event.subject), REQUESTS_ROUTED)
    await service.dispatch()
    assert gateway.calls == 0
    await service.deliver(event, REQUESTS_LOGGED)
    await service.dispatch()
    texts = sorted(m["text"] for m in gateway.accepted)
    assert len(texts) == 2
    assert any("Water & Sanitation gestuur" in t for t in texts)


async def test_a_crash_after_the_gateway_accepted_retries_with_the_same_key(
    service: Notifications, gateway: SmsGatewayServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    dispatcher = service.app.state.dispatcher

    async def crash(results) -> None:
        raise RuntimeError("process died before recording")

    monkeypatch.setattr(dispatcher._recorder, "_commit", crash)
    await service.deliver(logged(), REQUESTS_LOGGED)
    with contextlib.suppress(RuntimeError):  # or the background worker met the crash first
        await service.dispatch()
    assert gateway.calls == 1
    monkeypatch.undo()
    await service.dispatch()
    assert gateway.calls == 1  # leased: not retried at once
    service.clock.now += dt.timedelta(seconds=61)
    await service.dispatch()
    assert gateway.calls == 2
    assert gateway.keys[0] == gateway.keys[1]  # the gateway can drop the repeat


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"community": "Delft"}, "body"),
        ({"community": "Delft", "phone": "0825550199", "email": "a@b.org"}, "body"),
        ({"community": "", "phone": "0825550199"}, "community"),
        ({"community": "Delft", "phone": "12"}, "phone"),
        ({"community": "Delft", "email": "nope"}, "email"),
        ({"community": "Delft", "phone": "0825550199", "language": "fr"}, "language"),
        ({"community": "Delft", "phone": "021 400 1111"}, "phone"),  # a landline
        (
            {
                "community": "Delft",
                "phone": "\u0660\u0668\u0662\u0665\u0665\u0665\u0660\u0661\u0669\u0669",
            },
            "phone",
        ),
        ({"community": "Del\u202eft", "phone": "0825550199"}, "community"),
    ],
)
async def test_bad_subscriptions_name_the_field(
    service: Notifications, body: dict, field: str
) -> None:
    response = await service.client.post("/v1/subscriptions", json=body)
    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]


async def test_operators_see_masked_addresses(service: Notifications) -> None:
    event = logged()
    await service.deliver(event, REQUESTS_LOGGED)
    [record] = await service.sent_for(event.subject)
    assert record["to"] == "+27*****0199"
    bad = await service.client.get(
        "/v1/notifications?reference=123&reason=resident+asked+at+the+table", headers=service.auth
    )
    assert bad.status_code == 422
