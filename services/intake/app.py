"""The composition root: `create_app(settings, **overrides)` wires intake for `make run` and
tests."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from fastapi import FastAPI
from prometheus_client import Counter

from services.intake import followup, store
from services.intake.api import IntakeContext, routes
from services.intake.handlers import Ports
from services.intake.janitor import Janitor
from services.intake.settings import IntakeSettings
from shared.bus import consume, new_broker
from shared.kafka import Publisher
from shared.metrics import new_registry
from shared.reference import new_reference
from shared.service import outbox_relay, service_app
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
    relay = outbox_relay(
        settings,
        "intake",
        db,
        store.outbox,
        [REQUESTS_LOGGED, DEADLETTER],
        registry,
        connect_publisher,
    )
    clock = clock or (lambda: datetime.now(UTC))
    janitor = Janitor(db, clock)
    ctx = IntakeContext(
        db=db,
        agents=TokenDirectory(lambda token_hash: _agent(db, token_hash)),
        ports=Ports(
            clock=clock,
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
    consumed = [REQUESTS_ROUTED, REQUESTS_STATUS, VISITS]
    consumer, bus = consume(
        broker,
        bootstrap=settings.kafka_bootstrap,
        group=settings.consumer_group or "intake",
        db=db,
        inbox=store.inbox,
        appliers=followup.APPLIERS,
        topics=consumed,
        registry=registry,
        service="intake",
        description="Routing's decisions, departments' progress and the visits requests "
        "may be logged at.",
        create_topics=[*consumed, DEADLETTER] if create_topics else None,
    )
    return service_app(
        service="intake",
        description="Log residents' service requests and follow them up by reference number.",
        db=db,
        metadata=store.metadata,
        registry=registry,
        relay=relay,
        bus=bus,
        router=routes(ctx),
        workers=[janitor],
        max_body_bytes=MAX_BODY_BYTES,
        state={"broker": broker, "consumer": consumer, "janitor": janitor},
    )


async def _agent(db: Database, token_hash: str) -> store.Agent | None:
    async with db.reading() as conn:
        return await store.agent_by_token_hash(conn, token_hash)
