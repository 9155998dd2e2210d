"""Requests logged several to a transaction (services/intake/requests/), on SQLite and
PostgreSQL: concurrent requests share commits, and a collision inside a group (one
Idempotency-Key twice, a device's leased number sent twice, a reference drawn twice) is
answered as if each request had come alone."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any, cast

import pytest
from prometheus_client import CollectorRegistry
from sqlalchemy import Table, func, select

from services.intake import store
from services.intake.deps import IntakeDeps
from services.intake.devices import store as device_store
from services.intake.metrics import IntakeMetrics
from services.intake.requests import handlers
from services.intake.requests.domain import IdempotencyConflict
from services.intake.requests.handlers import Logged, LogRequest
from services.intake.requests.schemas import NewRequest
from services.intake.requests.store import RequestWriter
from services.intake.settings import IntakeSettings
from shared.reference import new_reference
from shared.store import Database
from tests.support.intake import request_body

pytestmark = pytest.mark.integration

NOW = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)
DEVICE = "device-1"


@pytest.fixture
async def writer(database_url: str) -> AsyncIterator[RequestWriter]:
    db = Database(database_url)
    await db.create_schema(store.metadata)
    yield RequestWriter(db, store.outbox)
    await db.dispose()


@dataclass(frozen=True)
class Ports:
    clock: Callable[[], dt.datetime]
    new_reference: Callable[[], str]


METRICS = IntakeMetrics.register(CollectorRegistry())
CATALOGUE = IntakeSettings().catalogue()


async def log_request(
    writer: RequestWriter,
    body: NewRequest,
    agent: str,
    key: str | None,
    ports: Ports,
    device: str | None = None,
) -> Logged:
    """The use case, with only what logging a request needs."""
    deps = IntakeDeps(
        clock=ports.clock,
        outbox=writer.outbox,
        new_reference=ports.new_reference,
        writer=writer,
        metrics=METRICS,
        audit=cast(Any, None),
        identifiers=cast(Any, None),
        jurisdiction="",
        attachments=cast(Any, None),
        catalogue=CATALOGUE,
    )
    return await handlers.log_request(LogRequest(body, agent, key, device), writer.db, deps)


def ports(references: Iterator[str] | None = None) -> Ports:
    drawn = references or iter(new_reference, None)
    return Ports(clock=lambda: NOW, new_reference=lambda: next(drawn))


def command(**overrides: Any) -> NewRequest:
    return NewRequest.model_validate(request_body(**overrides))


async def rows(writer: RequestWriter, table: Table) -> int:
    async with writer.db.reading() as conn:
        return int(await conn.scalar(select(func.count()).select_from(table)) or 0)


async def counts(writer: RequestWriter) -> dict[str, int]:
    tables = (store.requests, store.history, store.idempotency_keys, store.outbox.table)
    return {table.name: await rows(writer, table) for table in tables}


async def test_concurrent_requests_share_commits_and_each_is_kept_whole(
    writer: RequestWriter,
) -> None:
    commits: list[int] = []
    writer.db.on_commit(lambda: commits.append(1))
    logged = await asyncio.gather(
        *(log_request(writer, command(), "agent-1", f"key-{n}", ports()) for n in range(30))
    )
    references = {one.response.reference for one in logged}
    print(f"\n30 requests in {len(commits)} commits")
    assert len(references) == 30 and not any(one.replayed for one in logged)
    assert await counts(writer) == {
        "requests": 30,
        "request_history": 30,
        "idempotency_keys": 30,
        "outbox": 30,
    }
    assert len(commits) < 30


async def test_one_key_twice_in_a_group_is_one_request_answered_twice(
    writer: RequestWriter,
) -> None:
    same = command()
    others = [log_request(writer, command(), "agent-1", f"other-{n}", ports()) for n in range(5)]
    logged: list[Logged] = await asyncio.gather(
        log_request(writer, same, "agent-1", "retried", ports()),
        *others,
        log_request(writer, same, "agent-1", "retried", ports()),
    )
    first, last = logged[0], logged[-1]
    assert first.response.reference == last.response.reference
    assert sorted([first.replayed, last.replayed]) == [False, True]
    assert (await counts(writer))["requests"] == 6


async def test_one_key_with_another_body_in_a_group_is_refused_and_the_rest_are_logged(
    writer: RequestWriter,
) -> None:
    outcomes = await asyncio.gather(
        log_request(writer, command(), "agent-1", "reused", ports()),
        *(log_request(writer, command(), "agent-1", f"own-{n}", ports()) for n in range(5)),
        log_request(writer, command(), "agent-1", "reused", ports()),
        return_exceptions=True,
    )
    refused = [o for o in outcomes if isinstance(o, IdempotencyConflict)]
    assert len(refused) == 1
    assert (await counts(writer))["requests"] == 6


async def test_a_reference_drawn_twice_in_a_group_is_drawn_again(writer: RequestWriter) -> None:
    twice = new_reference()
    drawn = iter([twice, twice, *(new_reference() for _ in range(10))])
    shared_ports = ports(drawn)
    logged = await asyncio.gather(
        *(log_request(writer, command(), "agent-1", None, shared_ports) for _ in range(2))
    )
    assert len({one.response.reference for one in logged}) == 2
    assert (await counts(writer))["outbox"] == 2


async def test_a_leased_number_sent_twice_at_once_is_one_request(writer: RequestWriter) -> None:
    reference = new_reference()
    async with writer.db.transaction() as conn:
        await device_store.lease(conn, [reference], DEVICE, NOW, NOW + dt.timedelta(days=7))
    body = command(reference=reference)
    logged = await asyncio.gather(
        *(log_request(writer, body, "agent-1", None, ports(), DEVICE) for _ in range(2)),
        *(log_request(writer, command(), "agent-1", None, ports()) for _ in range(4)),
    )
    assert [one.response.reference for one in logged[:2]] == [reference, reference]
    assert sorted(one.replayed for one in logged[:2]) == [False, True]
    assert (await counts(writer))["requests"] == 5
