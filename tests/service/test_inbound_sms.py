"""The SMS gateway's replies are believed only when signed, stamped, fresh and new: anyone
else's STOP or START changes nothing, and the resident keeps hearing about their request."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path

import httpx
import pytest

from services.notifications.inbound.domain import signature
from shared.topics import REQUESTS_LOGGED, REQUESTS_ROUTED, REQUESTS_STATUS
from tests.support.clock import NOON
from tests.support.fakes import FakePublisher
from tests.support.gateways import SmsGatewayServer
from tests.support.notifications import (
    INBOUND_SECRET,
    PHONE,
    Notifications,
    logged,
    routed,
    running_notifications,
    status,
)


async def post(
    service: Notifications, body: Mapping[str, object], signed_with: str | None
) -> httpx.Response:
    """`body` as the gateway would send it, stamped now unless it says otherwise."""
    raw = json.dumps({"timestamp": service.clock().isoformat(), **body}).encode()
    headers = {"Content-Type": "application/json"}
    if signed_with is not None:
        headers["X-MO-Signature"] = signature(signed_with, raw)
    return await service.client.post("/v1/sms/inbound", content=raw, headers=headers)


@pytest.mark.parametrize(
    ("signed_with", "extra"),
    [
        (None, {}),  # unsigned
        ("somebody else's secret", {}),
        (INBOUND_SECRET, {"timestamp": (NOON - dt.timedelta(minutes=6)).isoformat()}),
        (INBOUND_SECRET, {"timestamp": (NOON - dt.timedelta(minutes=6)).timestamp()}),
        (INBOUND_SECRET, {"timestamp": "yesterday"}),
    ],
    ids=["unsigned", "wrong-secret", "stale-rfc3339", "stale-unix", "unreadable-time"],
    # A missing timestamp: test_a_signed_reply_without_a_timestamp_is_refused
)
async def test_an_unbelievable_stop_is_refused_and_the_resident_still_hears(
    service: Notifications, gateway: SmsGatewayServer, signed_with: str | None, extra: dict
) -> None:
    event = logged()
    await service.deliver(event, REQUESTS_LOGGED)
    await service.dispatch()
    refused = await post(service, {"from": PHONE, "text": "STOP", **extra}, signed_with)
    assert refused.status_code == 401
    await service.deliver(routed(event.subject), REQUESTS_ROUTED)
    await service.dispatch()
    assert len(gateway.accepted) == 2  # the update still came


async def test_a_replayed_reply_is_refused(service: Notifications) -> None:
    body = {"from": PHONE, "text": "START", "timestamp": NOON.isoformat()}
    assert (await post(service, body, INBOUND_SECRET)).json() == {"action": "started"}
    again = await post(service, body, INBOUND_SECRET)
    assert again.status_code == 401 and again.json()["error"]["code"] == "replayed"


async def test_a_signed_reply_without_a_timestamp_is_refused(service: Notifications) -> None:
    """Without a timestamp a captured START could undo the resident's STOP at any time."""
    raw = json.dumps({"from": PHONE, "text": "START"}).encode()
    headers = {"Content-Type": "application/json", "X-MO-Signature": signature(INBOUND_SECRET, raw)}
    refused = await service.client.post("/v1/sms/inbound", content=raw, headers=headers)
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "no_timestamp"
    assert "send timestamp" in refused.json()["error"]["message"]


async def test_a_signed_stop_then_an_unsigned_start_stays_stopped(
    service: Notifications, gateway: SmsGatewayServer
) -> None:
    event = logged()
    await service.deliver(event, REQUESTS_LOGGED)
    await service.dispatch()
    stop = await post(service, {"from": PHONE, "text": "STOP"}, INBOUND_SECRET)
    assert stop.json() == {"action": "stopped"}
    start = await post(service, {"from": PHONE, "text": "START"}, None)
    assert start.status_code == 401
    await service.deliver(status(event.subject, "acknowledged"), REQUESTS_STATUS)
    await service.dispatch()
    assert len(gateway.accepted) == 1
    assert [r["status"] for r in await service.sent_for(event.subject)] == ["sent", "suppressed"]


async def test_without_a_secret_every_reply_is_refused(tmp_path: Path) -> None:
    async with running_notifications(
        f"sqlite+aiosqlite:///{tmp_path / 'n.db'}", publisher=FakePublisher(), inbound_secret=None
    ) as service:
        response = await post(service, {"from": PHONE, "text": "STOP"}, INBOUND_SECRET)
    assert response.status_code == 401
