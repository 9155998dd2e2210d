"""Fixtures the notifications tests share: a real local SMS gateway, and notifications on a
real SQLite store and the in-memory bus sending to it."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support.fakes import FakePublisher
from tests.support.gateways import SmsGatewayServer, sms_gateway
from tests.support.notifications import Notifications, running_notifications


@pytest.fixture
async def gateway() -> AsyncIterator[SmsGatewayServer]:
    async with sms_gateway() as server:
        yield server


@pytest.fixture
async def service(tmp_path: Path, gateway: SmsGatewayServer) -> AsyncIterator[Notifications]:
    async with running_notifications(
        f"sqlite+aiosqlite:///{tmp_path / 'n.db'}", publisher=FakePublisher(), sms_url=gateway.url
    ) as running:
        yield running
