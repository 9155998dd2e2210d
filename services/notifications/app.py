"""The composition root: `create_app(settings, **overrides)` wires notifications for `make run`
and tests; `asyncapi()` describes it for `make docs`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from faststream import FastStream

from services.notifications import handlers, retention, store
from services.notifications.api import NotificationsContext, routes
from services.notifications.bus import PUBLISHES, consumes
from services.notifications.channels import (
    SMTP_TIMEOUT_SECONDS,
    FileOutbox,
    Sender,
    SmsGateway,
    SmtpMailer,
)
from services.notifications.dispatcher import Dispatcher, NotificationMetrics
from services.notifications.domain import Channel, QuietHours
from services.notifications.settings import NotificationsSettings
from services.notifications.subscriptions import community_names
from shared.asyncapi import specification
from shared.audit import Audit
from shared.auth import TokenDirectory
from shared.identifiers import settings_for_describing
from shared.metrics import new_registry
from shared.outbox import Outbox
from shared.service import Service, Wiring, service_app
from shared.store import Database
from shared.use_case import Deps

__all__ = ["asyncapi", "create_app", "senders_for"]


def senders_for(settings: NotificationsSettings, files: FileOutbox | None) -> dict[Channel, Sender]:
    """`files` stands in for a channel with no gateway or mail server (development)."""
    sms = SmsGateway(settings.sms_url, settings.sms_timeout_seconds) if settings.sms_url else files
    email = (
        SmtpMailer(settings.smtp_host, settings.smtp_port, settings.smtp_from)
        if settings.smtp_host
        else files
    )
    if sms is None or email is None:  # the settings refuse this already
        raise ValueError("no gateway, mail server or outbox folder to send with")
    return {Channel.SMS: sms, Channel.EMAIL: email}


def create_app(
    settings: NotificationsSettings,
    *,
    clock: Callable[[], datetime] | None = None,
    senders: Mapping[Channel, Sender] | None = None,
    wiring: Wiring | None = None,
) -> FastAPI:
    """`clock` and `senders` are the ports tests set; `wiring` puts them on an
    in-memory bus."""
    clock = clock or (lambda: datetime.now(UTC))
    registry = new_registry()
    db = Database(settings.database_url)
    identifiers = settings.identifiers()
    folder = settings.file_outbox()
    files = FileOutbox(folder, clock) if folder else None
    dispatcher = Dispatcher(
        db,
        senders or senders_for(settings, files),
        clock,
        QuietHours.parse(settings.quiet_hours),
        NotificationMetrics(registry),
        identifiers,
        retry_budget=timedelta(hours=settings.retry_budget_hours),
        retry_cap_seconds=settings.retry_cap_seconds,
        max_attempts=settings.max_attempts,
        send_timeout=max(settings.sms_timeout_seconds, SMTP_TIMEOUT_SECONDS),
        sms_per_second=settings.sms_per_second,
        concurrency=settings.dispatch_concurrency,
        record_group=settings.record_group,
    )
    ports = handlers.Ports(
        clock=clock,
        wake=dispatcher.wake,
        public_url=settings.public_url,
        identifiers=identifiers,
        supervisors={k: str(v) for k, v in settings.supervisors.items()},
    )
    service = Service(
        name="notifications",
        description="Tells residents what happened to their request and when the office comes.",
        bus_description="Notifications reads requests and visits and tells residents by SMS "
        "or e-mail; what happened to each message goes on `mo.notifications` (no addresses "
        "or texts).",
        metadata=store.metadata,
        inbox=store.inbox,
        router=routes(
            NotificationsContext(
                db,
                ports,
                settings.inbound_secret.get_secret_value() if settings.inbound_secret else None,
                community_names(settings.communities_seed),
                Audit(store.audit, registry, "notifications"),
            )
        ),
        consumes=consumes(ports),
        consumes_description="Requests and visits residents may hear about.",
        publishes=PUBLISHES,
        workers=[dispatcher],
        retention=retention.rules(
            settings.contact_retention_days, settings.pending_subscription_days, files
        ),
        deps=Deps(clock=clock, outbox=Outbox(store.outbox, "notifications")),
        tokens=TokenDirectory(db, store.credentials),
        state={"dispatcher": dispatcher, "ports": ports},
    )
    return service_app(service, settings, db, registry, wiring)


def asyncapi() -> FastStream:
    return specification(create_app(settings_for_describing(NotificationsSettings)))
