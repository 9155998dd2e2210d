"""The composition root: `create_app(settings, **overrides)` wires intake for `make run` and
tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from fastapi import FastAPI
from prometheus_client import Counter

from services.intake import followup, store
from services.intake.api import IntakeContext, routes
from services.intake.handlers import Ports
from services.intake.settings import IntakeSettings
from shared.bus import consume, new_broker
from shared.http import BodyLimit, add_health_routes, install_error_handlers
from shared.kafka import KafkaPublisher, Publisher
from shared.metrics import instrument_http, new_registry
from shared.outbox import OutboxRelay
from shared.reference import new_reference
from shared.store import Database
from shared.tokens import TokenDirectory
from shared.topics import DEADLETTER, REQUESTS_LOGGED, REQUESTS_ROUTED, REQUESTS_STATUS, VISITS

__all__ = ["create_app"]

MAX_BODY_BYTES = 64 * 1024  # a request with a 2,000-character description is ~3 KB


def create_app(
    settings: IntakeSettings,
    *,
    clock: Callable[[], datetime] | None = None,
    reference_generator: Callable[[], str] | None = None,
    connect_publisher: Callable[[], Awaitable[Publisher]] | None = None,
    create_topics: bool = True,
) -> FastAPI:
    """`connect_publisher` and `create_topics=False` let tests run on an in-memory bus."""
    registry = new_registry()
    db = Database(settings.database_url)
    relay = OutboxRelay(
        db,
        store.outbox,
        connect_publisher
        or (
            lambda: KafkaPublisher.connect(
                settings.kafka_bootstrap, "intake", [REQUESTS_LOGGED, DEADLETTER]
            )
        ),
        registry=registry,
        service="intake",
        sweep_seconds=settings.outbox_sweep_seconds,
    )
    ctx = IntakeContext(
        db=db,
        agents=TokenDirectory(lambda token_hash: _agent(db, token_hash)),
        ports=Ports(
            clock=clock or (lambda: datetime.now(UTC)),
            new_reference=reference_generator or new_reference,
        ),
        logged_total=Counter(
            "mo_intake_requests_logged_total",
            "Requests logged, by category and area.",
            ["category", "area"],
            registry=registry,
        ),
    )

    broker = new_broker(settings.kafka_bootstrap, "intake", registry)
    _consumer, bus = consume(
        broker,
        bootstrap=settings.kafka_bootstrap,
        group=settings.consumer_group or "intake",
        db=db,
        inbox=store.inbox,
        appliers=followup.APPLIERS,
        topics=[REQUESTS_ROUTED, REQUESTS_STATUS, VISITS],
        registry=registry,
        service="intake",
        description="Routing's decisions, departments' progress and the visits requests "
        "may be logged at.",
        create_topics=[REQUESTS_ROUTED, REQUESTS_STATUS, VISITS, DEADLETTER]
        if create_topics
        else None,
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await db.create_schema(store.metadata)
        relay.start()
        bus.start()
        try:
            yield
        finally:
            await bus.stop()
            await relay.stop()
            await db.dispose()

    app = FastAPI(
        title="Mobile Office intake",
        version="1",
        description="Log residents' service requests and follow them up by reference number.",
        lifespan=lifespan,
    )
    app.state.db = db
    app.state.relay = relay
    app.state.registry = registry
    app.state.broker = broker
    install_error_handlers(app)
    instrument_http(app, registry, "intake")

    app.add_middleware(BodyLimit, max_bytes=MAX_BODY_BYTES)

    async def store_ready() -> bool:
        await db.ping()
        return True

    add_health_routes(
        app, {"store": store_ready, "broker": relay.broker_reachable, "consumers": bus.ping}
    )
    app.include_router(routes(ctx))
    return app


async def _agent(db: Database, token_hash: str) -> store.Agent | None:
    async with db.reading() as conn:
        return await store.agent_by_token_hash(conn, token_hash)
