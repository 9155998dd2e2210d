"""The composition root: `create_app(settings, **overrides)` wires notifications for `make run`
and tests."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime

from fastapi import FastAPI

from services.notifications import store
from services.notifications.api import NotificationsContext, routes
from services.notifications.channels import FileOutbox, Sender, SmsGateway, SmtpMailer
from services.notifications.dispatcher import Dispatcher, NotificationMetrics
from services.notifications.domain import QuietHours
from services.notifications.planner import Planner
from services.notifications.settings import NotificationsSettings
from shared.bus import consume, new_broker
from shared.kafka import Publisher
from shared.metrics import new_registry
from shared.service import outbox_relay, service_app
from shared.store import Database
from shared.topics import (
    DEADLETTER,
    NOTIFICATIONS,
    REQUESTS_LOGGED,
    REQUESTS_ROUTED,
    REQUESTS_STATUS,
    VISITS,
)

__all__ = ["create_app"]

CONSUMED = [REQUESTS_LOGGED, REQUESTS_ROUTED, REQUESTS_STATUS, VISITS]


def senders_for(settings: NotificationsSettings) -> dict[str, Sender]:
    files = FileOutbox(settings.outbox_dir)
    return {
        "sms": SmsGateway(settings.sms_url) if settings.sms_url else files,
        "email": (
            SmtpMailer(settings.smtp_host, settings.smtp_port, settings.smtp_from)
            if settings.smtp_host
            else files
        ),
    }


def create_app(
    settings: NotificationsSettings,
    *,
    clock: Callable[[], datetime] | None = None,
    senders: Mapping[str, Sender] | None = None,
    connect_publisher: Callable[[], Awaitable[Publisher]] | None = None,
    create_topics: bool = True,
) -> FastAPI:
    """`clock` and `senders` are the ports tests set; `connect_publisher` and
    `create_topics=False` let them run on an in-memory bus."""
    clock = clock or (lambda: datetime.now(UTC))
    registry = new_registry()
    db = Database(settings.database_url)
    topics = [NOTIFICATIONS, DEADLETTER]
    relay = outbox_relay(
        settings, "notifications", db, store.outbox, topics, registry, connect_publisher
    )
    dispatcher = Dispatcher(
        db,
        senders or senders_for(settings),
        clock,
        QuietHours.parse(settings.quiet_hours),
        NotificationMetrics(registry),
        max_attempts=settings.max_attempts,
    )
    planner = Planner(clock, dispatcher.wake)
    broker = new_broker(settings.kafka_bootstrap, "notifications", registry)
    consumer, bus = consume(
        broker,
        bootstrap=settings.kafka_bootstrap,
        group=settings.consumer_group or "notifications",
        db=db,
        inbox=store.inbox,
        appliers=planner.appliers(),
        topics=CONSUMED,
        registry=registry,
        service="notifications",
        description="Requests and visits residents may hear about.",
        create_topics=[*CONSUMED, *topics] if create_topics else None,
    )
    return service_app(
        service="notifications",
        description="Tells residents what happened to their request and when the office comes.",
        db=db,
        metadata=store.metadata,
        registry=registry,
        relay=relay,
        bus=bus,
        router=routes(NotificationsContext(db, clock)),
        workers=[dispatcher],
        state={"dispatcher": dispatcher, "broker": broker, "consumer": consumer},
    )
