"""A service, declared: what it stores, consumes and publishes, its HTTP routes and background
parts. `service_app` turns a declaration into the running FastAPI app (JSON errors, metrics,
health, a body limit, the outbox relay, the consumers, one lifespan that starts and stops the
parts in order), and the AsyncAPI document is drawn from the same declaration."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from fastapi import APIRouter, FastAPI, Request, Response
from faststream.kafka import KafkaBroker
from prometheus_client import CollectorRegistry
from pydantic import BaseModel
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from shared.audit import Audit, audit_routes
from shared.auth import OPERATORS, PUBLIC, TokenDirectory
from shared.background import Worker
from shared.bus import BusRunner, consume, consumed_topics, new_broker
from shared.consumer import EventConsumer, Route
from shared.contracts.registry import spec_for_model
from shared.docs_page import docs_routes
from shared.http import BodyLimit, add_health_routes, install_error_handlers
from shared.kafka import KafkaPublisher, Publisher
from shared.metrics import instrument_http
from shared.relay import OutboxRelay
from shared.retention import Purger, Rule, inbox_rule
from shared.settings import ServiceSettings
from shared.staff.pages import PageRefused, refused_page
from shared.store import Database
from shared.tables import Tables
from shared.topics import DEADLETTER
from shared.use_case import Deps, UseCases

__all__ = ["ErrorFormat", "Service", "Wiring", "from_state", "service_app", "use_cases"]

ErrorFormat = Callable[[Request, Any], Awaitable[Response]]
T = TypeVar("T")
D = TypeVar("D", bound=Deps)


@dataclass(frozen=True, kw_only=True)
class Service:
    name: str
    description: str
    """What the service does, for people (the OpenAPI document's description)."""
    bus_description: str
    """How it uses the bus (the AsyncAPI document's description)."""
    tables: Tables
    """Its store's: the schema made at start, the inbox its consumers claim events in."""
    router: APIRouter
    consumes: Sequence[Route] = ()
    consumes_description: str = ""
    publishes: Sequence[type[BaseModel]] = ()
    """Contract models of the events its outbox publishes (topics from the registry)."""
    workers: Sequence[Worker] = ()
    startup: Callable[[], Awaitable[None]] | None = None
    """Runs once the schema exists, before any background part starts (seeding, say)."""
    max_body_bytes: int = 16 * 1024
    larger_bodies: Mapping[str, int] = field(default_factory=dict)
    """The routes allowed a larger body, `"POST /v1/path/{param}"` to their limit (uploads)."""
    retention: Sequence[Rule] = ()
    """What it purges of personal information, and when (with its processed event ids)."""
    deps: Deps
    """The use cases' clock, outbox and ports; routes reach it as `app.state.deps`."""
    tokens: TokenDirectory
    """Who holds which token, for the doors (`shared.auth.requires`)."""
    state: Mapping[str, Any] = field(default_factory=dict)
    """Parts tests and tools reach through `app.state` (the dispatcher, say)."""
    error_formats: Mapping[type[Exception], ErrorFormat] = field(default_factory=dict)
    """Refusals answered in another format than ours (Open311's), by exception type."""
    audit: Audit | None = None
    """Who read residents' details, why: operators read it at `/v1/audit` (shared/audit.py)."""

    @property
    def published_topics(self) -> list[str]:
        return list(
            dict.fromkeys(t for m in self.publishes for t in spec_for_model(m).topics_of(self.name))
        )


@dataclass(frozen=True)
class Wiring:
    """How a service reaches the bus: the real broker by default, waiting at start for its
    topics to exist; tests pass an in-memory publisher for the outbox and leave topics alone."""

    connect_publisher: Callable[[], Awaitable[Publisher]] | None = None
    check_topics: bool = True


@dataclass(frozen=True, slots=True)
class _Parts:
    """What runs beside the routes: the outbox relay, the consumers and the purge job."""

    relay: OutboxRelay
    broker: KafkaBroker
    consumer: EventConsumer
    bus: BusRunner
    purger: Purger


def service_app(
    service: Service,
    settings: ServiceSettings,
    db: Database,
    registry: CollectorRegistry,
    wiring: Wiring | None = None,
) -> FastAPI:
    """The app of `service`."""
    parts = _parts(service, settings, db, registry, wiring or Wiring())
    app = FastAPI(
        title=f"Mobile Office {service.name}",
        version="1",
        description=service.description,
        lifespan=_lifespan(service, db, parts.relay, parts.bus, parts.purger),
        docs_url=None,  # ours, guarded: shared/docs_page.py
        redoc_url=None,
    )
    for name, value in {
        "service": service,
        "db": db,
        "registry": registry,
        "relay": parts.relay,
        "broker": parts.broker,
        "consumer": parts.consumer,
        "purger": parts.purger,
        "deps": service.deps,
        "clock": service.deps.clock,
        "tokens": service.tokens,
        **service.state,
    }.items():
        setattr(app.state, name, value)
    _serve_http(app, service, settings, registry)
    _add_routes(app, service, db, parts)
    return app


def _parts(
    service: Service,
    settings: ServiceSettings,
    db: Database,
    registry: CollectorRegistry,
    wiring: Wiring,
) -> _Parts:
    topics = [*service.published_topics, *consumed_topics(service.consumes), DEADLETTER]
    relay = OutboxRelay(
        db,
        service.deps.outbox.table,
        wiring.connect_publisher
        or (lambda: KafkaPublisher.connect(settings.kafka_bootstrap, service.name, topics)),
        registry=registry,
        service=service.name,
        sweep_seconds=settings.outbox_sweep_seconds,
        batch_size=settings.outbox_batch_size,
    )
    broker = new_broker(settings.kafka_bootstrap, service.name, registry)
    consumer, bus = consume(
        broker,
        bootstrap=settings.kafka_bootstrap,
        group=settings.consumer_group or service.name,
        db=db,
        inbox=service.tables.inbox,
        routes=service.consumes,
        registry=registry,
        service=service.name,
        description=service.consumes_description,
        required_topics=topics if wiring.check_topics else None,
        clock=service.deps.clock,
    )
    _document_publishers(broker, service.name, service.publishes)
    purger = Purger(
        db,
        [
            *service.retention,
            inbox_rule(service.tables.inbox, dt.timedelta(days=settings.inbox_retention_days)),
        ],
        service.deps.clock,
        registry,
        service.name,
        every_seconds=settings.purge_every_seconds,
    )
    return _Parts(relay, broker, consumer, bus, purger)


def _serve_http(
    app: FastAPI, service: Service, settings: ServiceSettings, registry: CollectorRegistry
) -> None:
    """Errors as JSON (or the service's own formats), metrics, the body limit, proxies."""
    install_error_handlers(app)
    for kind, answer in service.error_formats.items():
        app.add_exception_handler(kind, answer)
    app.add_exception_handler(PageRefused, refused_page)  # staff pages' doors answer in HTML
    instrument_http(app, registry, service.name, PUBLIC)
    app.add_middleware(BodyLimit, max_bytes=service.max_body_bytes, larger=service.larger_bodies)
    # Outermost, so the client's address and scheme are set before anything reads them
    # (cookies' Secure, rate limits); with no trusted proxy, forwarded headers count for nothing.
    if settings.trusted_proxy_list:
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxy_list)


def _add_routes(app: FastAPI, service: Service, db: Database, parts: _Parts) -> None:
    async def store_ready() -> bool:
        await db.ping()
        return True

    add_health_routes(
        app,
        {"store": store_ready, "broker": parts.relay.broker_reachable, "consumers": parts.bus.ping},
        PUBLIC,
    )
    app.include_router(docs_routes(app.title, PUBLIC))
    app.include_router(service.router)
    if service.audit is not None:
        app.include_router(audit_routes(service.audit, db, OPERATORS))


def from_state(name: str, kind: type[T]) -> Callable[[Request], T]:
    """A FastAPI dependency: the app's `app.state.<name>` (set by `service_app` from the
    service's declaration), as a `kind`; tests may override it."""

    def get(request: Request) -> T:
        return cast(T, getattr(request.app.state, name))

    get.__name__ = f"get_{name}"
    return get


def use_cases(kind: type[D]) -> Callable[[Request], UseCases[D]]:
    """A FastAPI dependency: the app's database and its deps, as a `kind` (both set by
    `service_app`), in one parameter instead of the two every route would repeat."""
    get_db, get_deps = from_state("db", Database), from_state("deps", kind)

    def get_use_cases(request: Request) -> UseCases[D]:
        return UseCases(get_db(request), get_deps(request))

    return get_use_cases


def _lifespan(
    service: Service, db: Database, relay: OutboxRelay, bus: BusRunner, purger: Purger
) -> Callable[[FastAPI], Any]:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await db.create_schema(service.tables.metadata)
        if service.startup is not None:
            await service.startup()
        relay.start()
        workers = [*service.workers, purger]
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

    return lifespan


def _document_publishers(
    broker: KafkaBroker, producer: str, models: Sequence[type[BaseModel]]
) -> None:
    """Declares what the outbox relay writes, for the AsyncAPI document only (the relay
    publishes through its own producer)."""
    for model in models:
        spec = spec_for_model(model)
        summary = (model.__doc__ or "").strip()
        for topic in spec.topics_of(producer):
            broker.publisher(
                topic,
                title=f"{topic}:{spec.short_name}",
                description=f"{summary} A CloudEvents 1.0 event keyed by its subject; "
                "the payload below is its `data`.",
                schema=model,
            )
