"""The composition root: `create_app(settings, **overrides)` wires scheduling for `make run`
and tests."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from fastapi import FastAPI

from services.scheduling import store
from services.scheduling.api import routes
from services.scheduling.handlers import Scheduling, SchedulingMetrics
from services.scheduling.seed import SeedError
from services.scheduling.settings import SchedulingSettings
from shared.bus import consume, new_broker
from shared.contracts.visits import VisitCancelled, VisitChanged, VisitScheduled
from shared.http import BodyLimit, add_health_routes, install_error_handlers
from shared.kafka import KafkaPublisher, Publisher
from shared.metrics import instrument_http, new_registry
from shared.outbox import OutboxRelay
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
    relay = OutboxRelay(
        db,
        store.outbox,
        connect_publisher
        or (lambda: KafkaPublisher.connect(settings.kafka_bootstrap, "scheduling", topics)),
        registry=registry,
        service="scheduling",
        sweep_seconds=settings.outbox_sweep_seconds,
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

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await db.create_schema(store.metadata)
        try:
            seeded = await scheduling.seed(settings.communities_seed)
        except SeedError as exc:
            log.critical("communities seed is not usable: %s", exc)
            raise SystemExit(2) from None
        if seeded:
            log.info("seeded %d communities from %s", seeded, settings.communities_seed)
        await scheduling.refresh_gauges()
        relay.start()
        bus.start()
        try:
            yield
        finally:
            await bus.stop()
            await relay.stop()
            await db.dispose()

    app = FastAPI(
        title="Mobile Office scheduling",
        version="1",
        description="Plans the Mobile Office's visits and announces them.",
        lifespan=lifespan,
    )
    app.state.db = db
    app.state.registry = registry
    app.state.relay = relay
    app.state.scheduling = scheduling
    app.state.broker = broker
    app.state.consumer = consumer
    install_error_handlers(app)
    instrument_http(app, registry, "scheduling")
    app.add_middleware(BodyLimit, max_bytes=16 * 1024)

    async def store_ready() -> bool:
        await db.ping()
        return True

    add_health_routes(
        app, {"store": store_ready, "broker": relay.broker_reachable, "consumers": bus.ping}
    )
    app.include_router(routes(scheduling))
    return app


async def _ignore(*_: object) -> None:
    return None
