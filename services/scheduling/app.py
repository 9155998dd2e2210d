"""The composition root: `create_app(settings, **overrides)` wires scheduling for `make run`
and tests."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from fastapi import FastAPI

from services.scheduling import store
from services.scheduling.api import routes
from services.scheduling.handlers import Scheduling, SchedulingMetrics
from services.scheduling.seed import SeedError
from services.scheduling.settings import SchedulingSettings
from shared.bus import consume, new_broker
from shared.contracts.visits import VisitCancelled, VisitChanged, VisitScheduled
from shared.kafka import Publisher
from shared.metrics import new_registry
from shared.service import outbox_relay, service_app
from shared.store import Database
from shared.topics import (
    DEADLETTER,
    REQUESTS_LOGGED,
    REQUESTS_ROUTED,
    REQUESTS_STATUS,
    VISITS,
    EventType,
)

__all__ = ["create_app"]

log = logging.getLogger(__name__)
CONSUMED = [REQUESTS_LOGGED, REQUESTS_ROUTED, REQUESTS_STATUS]


def create_app(
    settings: SchedulingSettings,
    *,
    clock: Callable[[], datetime] | None = None,
    connect_publisher: Callable[[], Awaitable[Publisher]] | None = None,
    create_topics: bool = True,
) -> FastAPI:
    """`connect_publisher` and `create_topics=False` let tests run on an in-memory bus."""
    registry = new_registry()
    db = Database(settings.database_url)
    topics = [VISITS, DEADLETTER]
    relay = outbox_relay(
        settings, "scheduling", db, store.outbox, topics, registry, connect_publisher
    )
    scheduling = Scheduling(db, clock or (lambda: datetime.now(UTC)), SchedulingMetrics(registry))
    broker = new_broker(settings.kafka_bootstrap, "scheduling", registry)
    consumer, bus = consume(
        broker,
        bootstrap=settings.kafka_bootstrap,
        group=settings.consumer_group or "scheduling",
        db=db,
        inbox=store.inbox,
        appliers={
            EventType.REQUEST_LOGGED: scheduling.on_logged,
            EventType.REQUEST_ROUTED: scheduling.on_closed,
            EventType.REQUEST_UNROUTABLE: _ignore,
            EventType.REQUEST_STATUS_CHANGED: scheduling.on_closed,
        },
        topics=CONSUMED,
        registry=registry,
        service="scheduling",
        description="Requests, to count the open ones per community.",
        create_topics=[*CONSUMED, *topics] if create_topics else None,
    )
    for schema, what in (
        (VisitScheduled, "scheduled"),
        (VisitChanged, "changed"),
        (VisitCancelled, "cancelled"),
    ):
        broker.publisher(
            VISITS,
            title=f"{VISITS}:{what}",
            schema=schema,
            description=f"mobileoffice.visit.{what}.v1 CloudEvents, keyed by visit id.",
        )

    async def startup() -> None:
        try:
            seeded = await scheduling.seed(settings.communities_seed)
        except SeedError as exc:
            log.critical("communities seed is not usable: %s", exc)
            raise SystemExit(2) from None
        if seeded:
            log.info("seeded %d communities from %s", seeded, settings.communities_seed)
        await scheduling.refresh_gauges()

    return service_app(
        service="scheduling",
        description="Plans the Mobile Office's visits and announces them.",
        db=db,
        metadata=store.metadata,
        registry=registry,
        relay=relay,
        bus=bus,
        router=routes(scheduling),
        startup=startup,
        state={"scheduling": scheduling, "broker": broker, "consumer": consumer},
    )


async def _ignore(*_: object) -> None:
    return None
