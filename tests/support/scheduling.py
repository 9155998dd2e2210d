"""Scheduling in-process (real store; real or in-memory bus) behind an httpx client."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI

from services.scheduling import store
from services.scheduling.app import create_app
from services.scheduling.settings import SchedulingSettings
from shared.credentials import Role
from tests.support.buses import Bus
from tests.support.fakes import FakePublisher
from tests.support.harness import running_app
from tests.support.tokens import issue


@dataclass
class Scheduling:
    app: FastAPI
    client: httpx.AsyncClient
    operator_token: str

    @property
    def auth(self) -> dict[str, str]:
        """An operator's: plans, cancellations and moves are theirs."""
        return {"Authorization": f"Bearer {self.operator_token}"}

    async def plan(self, month: str, force: bool = False) -> httpx.Response:
        return await self.operate("/v1/plans", {"month": month, "force": force})

    async def operate(self, path: str, body: dict[str, Any]) -> httpx.Response:
        return await self.client.post(path, json=body, headers=self.auth)


@asynccontextmanager
async def running_scheduling(
    database_url: str,
    kafka_bootstrap: str | None = None,
    publisher: FakePublisher | None = None,
    bus: Bus | None = None,
    **settings: Any,
) -> AsyncIterator[Scheduling]:
    async with running_app(
        create_app,
        SchedulingSettings,
        database_url=database_url,
        bus=bus,
        kafka_bootstrap=kafka_bootstrap,
        publisher=publisher,
        settings=settings,
        overrides={"clock": lambda: dt.datetime(2026, 11, 26, 8, 0, tzinfo=dt.UTC)},
    ) as (app, client):
        token = await issue(app.state.db, store.credentials, "operators", Role.OPERATOR)
        yield Scheduling(app, client, token)
