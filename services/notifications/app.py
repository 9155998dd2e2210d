"""The composition root: `create_app(settings, clock=..., senders=..., wiring=...)` wires
notifications for `make run` and tests; `asyncapi()` describes it for `make docs`."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, FastAPI
from faststream import FastStream
from prometheus_client import CollectorRegistry

from services.notifications import store
from services.notifications.answers.adapters import communities_by_area
from services.notifications.channels.adapters import (
    SMTP_TIMEOUT_SECONDS,
    FileOutbox,
    Sender,
    senders_for,
)
from services.notifications.channels.domain import Channel
from services.notifications.deliveries import api as deliveries_api
from services.notifications.deliveries import bus as deliveries_bus
from services.notifications.deliveries.domain import QuietHours, RetryPolicy
from services.notifications.deliveries.worker import Dispatcher
from services.notifications.deps import NotificationsDeps
from services.notifications.digests import bus as digests_bus
from services.notifications.followers import bus as followers_bus
from services.notifications.inbound import api as inbound_api
from services.notifications.metrics import NotificationMetrics
from services.notifications.privacy import bus as privacy_bus
from services.notifications.reopening import bus as reopening_bus
from services.notifications.retention.store import rules
from services.notifications.settings import NotificationsSettings
from services.notifications.subscriptions import api as subscriptions_api
from services.notifications.subscriptions import bus as subscriptions_bus
from services.notifications.subscriptions import pages
from services.notifications.subscriptions.adapters import community_names
from services.notifications.updates import bus as updates_bus
from services.notifications.ussd import api as ussd_api
from shared.asyncapi import specification
from shared.audit import Audit
from shared.auth import TokenDirectory
from shared.consumer import Route
from shared.identifiers import settings_for_describing
from shared.metrics import new_registry
from shared.service import Service, Wiring, service_app
from shared.store import Database
from shared.use_case import Clock

__all__ = ["PUBLISHES", "asyncapi", "consumes", "create_app", "router"]

router = APIRouter()  # nested prefixes would hide the audit's path from the route table
for _feature in (subscriptions_api, inbound_api, ussd_api, deliveries_api, pages):
    router.include_router(_feature.router)
router.include_router(pages.form_router)

PUBLISHES = (*deliveries_bus.PUBLISHES, *reopening_bus.PUBLISHES, *privacy_bus.PUBLISHES)


def consumes(deps: NotificationsDeps) -> tuple[Route, ...]:
    """What notifications reads from the bus, feature by feature."""
    return (
        *updates_bus.consumes(deps),
        *followers_bus.consumes(deps),
        *digests_bus.consumes(deps),
        *subscriptions_bus.consumes(deps),
        *privacy_bus.consumes(deps),
    )


def _deps(
    settings: NotificationsSettings, clock: Clock, registry: CollectorRegistry, woken: asyncio.Event
) -> NotificationsDeps:
    return NotificationsDeps(
        clock=clock,
        outbox=store.outbox,
        wake=woken.set,
        public_url=settings.public_url,
        visits_page=settings.visits_page(),
        identifiers=settings.identifiers(),
        metrics=NotificationMetrics(registry),
        audit=Audit(store.audit, registry, "notifications"),
        catalogue=settings.catalogue(),
        retry=RetryPolicy(
            timedelta(hours=settings.retry_budget_hours),
            settings.retry_cap_seconds,
            settings.max_attempts,
        ),
        supervisors={k: str(v) for k, v in settings.supervisors.items()},
        follow_up_url=settings.public_base_url,
        fixed_check=timedelta(days=settings.fixed_check_days),
        communities=community_names(settings.communities_seed),
        inbound_secret=(
            settings.inbound_secret.get_secret_value() if settings.inbound_secret else None
        ),
        ussd_secret=settings.ussd_secret.get_secret_value() if settings.ussd_secret else None,
        areas=communities_by_area(settings.communities_seed),
    )


def create_app(
    settings: NotificationsSettings,
    *,
    clock: Clock | None = None,
    senders: Mapping[Channel, Sender] | None = None,
    wiring: Wiring | None = None,
) -> FastAPI:
    """`clock` and `senders` are the ports tests set; `wiring` puts them on an
    in-memory bus."""
    clock = clock or (lambda: datetime.now(UTC))
    registry = new_registry()
    db = Database(settings.database_url)
    folder = settings.file_outbox()
    files = FileOutbox(folder, clock) if folder else None
    woken = asyncio.Event()
    deps = _deps(settings, clock, registry, woken)
    dispatcher = Dispatcher(
        db,
        deps,
        senders or senders_for(settings, clock, files),
        QuietHours.parse(settings.quiet_hours),
        woken,
        send_timeout=max(settings.sms_timeout_seconds, SMTP_TIMEOUT_SECONDS),
        sms_per_second=settings.sms_per_second,
        concurrency=settings.dispatch_concurrency,
        record_group=settings.record_group,
    )
    service = Service(
        name="notifications",
        description="Tells residents what happened to their request and when the office comes.",
        bus_description="Notifications reads requests and visits and tells residents by SMS "
        "or e-mail; what happened to each message goes on `mo.notifications` (no addresses "
        "or texts).",
        tables=store.tables,
        router=router,
        consumes=consumes(deps),
        consumes_description="Requests and visits residents may hear about.",
        publishes=PUBLISHES,
        workers=[dispatcher],
        retention=rules(settings.contact_retention_days, settings.pending_subscription_days, files),
        deps=deps,
        tokens=TokenDirectory(db, store.credentials),
        state={"dispatcher": dispatcher},
        audit=deps.audit,
    )
    return service_app(service, settings, db, registry, wiring)


def asyncapi() -> FastStream:
    return specification(create_app(settings_for_describing(NotificationsSettings)))
