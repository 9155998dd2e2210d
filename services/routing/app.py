"""The composition root: `create_app(settings, **overrides)` wires routing for `make run` and
tests."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from fastapi import FastAPI

from services.routing import store
from services.routing.api import RoutingContext, routes
from services.routing.bus import PUBLISHED_TOPICS, document_publishers
from services.routing.handlers import Routing, RoutingMetrics, RuleBook
from services.routing.rulebook import RuleError
from services.routing.settings import RoutingSettings
from shared.bus import consume, new_broker
from shared.kafka import Publisher
from shared.metrics import new_registry
from shared.service import outbox_relay, service_app
from shared.store import Database
from shared.tokens import TokenDirectory
from shared.topics import DEADLETTER, REQUESTS_LOGGED, EventType

__all__ = ["create_app"]

log = logging.getLogger(__name__)


def create_app(
    settings: RoutingSettings,
    *,
    clock: Callable[[], datetime] | None = None,
    connect_publisher: Callable[[], Awaitable[Publisher]] | None = None,
    create_topics: bool = True,
) -> FastAPI:
    """`connect_publisher` and `create_topics=False` let tests run on an in-memory bus."""
    registry = new_registry()
    db = Database(settings.database_url)
    topics = [*PUBLISHED_TOPICS, DEADLETTER]
    relay = outbox_relay(settings, "routing", db, store.outbox, topics, registry, connect_publisher)
    routing = Routing(
        db=db,
        rulebook=RuleBook(),
        metrics=RoutingMetrics(registry),
        clock=clock or (lambda: datetime.now(UTC)),
    )
    broker = new_broker(settings.kafka_bootstrap, "routing", registry)
    consumer, bus = consume(
        broker,
        bootstrap=settings.kafka_bootstrap,
        group=settings.consumer_group or "routing",
        db=db,
        inbox=store.inbox,
        appliers={EventType.REQUEST_LOGGED: routing.apply_logged},
        topics=[REQUESTS_LOGGED],
        registry=registry,
        service="routing",
        description="Requests logged by field agents (mobileoffice.request.logged.v1).",
        create_topics=[REQUESTS_LOGGED, *topics] if create_topics else None,
    )
    document_publishers(broker)

    async def startup() -> None:
        try:
            seeded = await routing.seed_rules(settings.rules_seed)
        except RuleError as exc:
            log.critical("routing rules are not usable: %s", exc)
            raise SystemExit(2) from None
        if seeded:
            log.info("seeded %d routing rules from %s", seeded, settings.rules_seed)
        routing.metrics.unroutable.set(await routing.unroutable_count())

    teams = TokenDirectory(lambda token_hash: _team(db, token_hash))
    return service_app(
        service="routing",
        description="Routes requests to departments; takes departments' progress reports.",
        db=db,
        metadata=store.metadata,
        registry=registry,
        relay=relay,
        bus=bus,
        router=routes(RoutingContext(routing, teams)),
        startup=startup,
        max_body_bytes=64 * 1024,
        state={"routing": routing, "broker": broker, "consumer": consumer},
    )


async def _team(db: Database, token_hash: str) -> tuple[str, bool] | None:
    async with db.reading() as conn:
        return await store.team_for_token_hash(conn, token_hash)
