"""What every service's composition root shares: its outbox relay, and the FastAPI app around
its routes with JSON errors, metrics, health, a body limit and one lifespan that starts and
stops the background parts in order."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any, Protocol

from fastapi import APIRouter, FastAPI
from prometheus_client import CollectorRegistry
from sqlalchemy import MetaData, Table

from shared.bus import BusRunner
from shared.http import BodyLimit, add_health_routes, install_error_handlers
from shared.kafka import KafkaPublisher, Publisher
from shared.metrics import instrument_http
from shared.outbox import OutboxRelay
from shared.settings import ServiceSettings
from shared.store import Database

__all__ = ["Worker", "outbox_relay", "service_app"]


class Worker(Protocol):
    """A background part of a service (the notification dispatcher, say)."""

    def start(self) -> None: ...

    async def stop(self) -> None: ...


def outbox_relay(
    settings: ServiceSettings,
    service: str,
    db: Database,
    outbox: Table,
    topics: Sequence[str],
    registry: CollectorRegistry,
    connect_publisher: Callable[[], Awaitable[Publisher]] | None = None,
) -> OutboxRelay:
    """The relay from `outbox` to Kafka, creating `topics` when it first connects."""
    return OutboxRelay(
        db,
        outbox,
        connect_publisher
        or (lambda: KafkaPublisher.connect(settings.kafka_bootstrap, service, list(topics))),
        registry=registry,
        service=service,
        sweep_seconds=settings.outbox_sweep_seconds,
    )


def service_app(
    *,
    service: str,
    description: str,
    db: Database,
    metadata: MetaData,
    registry: CollectorRegistry,
    relay: OutboxRelay,
    bus: BusRunner,
    router: APIRouter,
    startup: Callable[[], Awaitable[None]] | None = None,
    workers: Sequence[Worker] = (),
    max_body_bytes: int = 16 * 1024,
    state: dict[str, Any] | None = None,
) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await db.create_schema(metadata)
        if startup is not None:
            await startup()
        relay.start()
        for worker in workers:
            worker.start()
        bus.start()
        try:
            yield
        finally:
            await bus.stop()
            for worker in reversed(workers):
                await worker.stop()
            await relay.stop()
            await db.dispose()

    app = FastAPI(
        title=f"Mobile Office {service}", version="1", description=description, lifespan=lifespan
    )
    app.state.db = db
    app.state.registry = registry
    app.state.relay = relay
    for name, value in (state or {}).items():
        setattr(app.state, name, value)
    install_error_handlers(app)
    instrument_http(app, registry, service)
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)

    async def store_ready() -> bool:
        await db.ping()
        return True

    add_health_routes(
        app, {"store": store_ready, "broker": relay.broker_reachable, "consumers": bus.ping}
    )
    app.include_router(router)
    return app
