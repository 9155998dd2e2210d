"""The composition root: `create_app(settings, **overrides)` wires routing for `make run` and
tests; `asyncapi()` describes it for `make docs`."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from fastapi import APIRouter, FastAPI
from faststream import FastStream

from services.routing import (
    escalation,
    handlers,
    privacy,
    queue_pages,
    queue_store,
    rules,
    standards,
    store,
)
from services.routing.api import RoutingContext, routes
from services.routing.bus import PUBLISHES, consumes
from services.routing.settings import RoutingSettings
from shared.asyncapi import specification
from shared.audit import Audit, audit_routes
from shared.auth import TokenDirectory, requires
from shared.background import every
from shared.credentials import Role
from shared.limits import MissLimiter
from shared.metrics import new_registry
from shared.outbox import Outbox
from shared.retention import closed_request_details_rule
from shared.service import Service, Wiring, service_app
from shared.sessions import Sessions
from shared.store import Database
from shared.use_case import Deps

__all__ = ["asyncapi", "create_app"]

log = logging.getLogger(__name__)


def create_app(
    settings: RoutingSettings,
    *,
    clock: Callable[[], datetime] | None = None,
    wiring: Wiring | None = None,
) -> FastAPI:
    """`clock` is the port tests set; `wiring` puts them on an in-memory bus."""
    registry = new_registry()
    db = Database(settings.database_url)
    ports = handlers.Ports(
        clock=clock or (lambda: datetime.now(UTC)),
        rulebook=rules.RuleBook(),
        metrics=handlers.RoutingMetrics(registry),
    )

    async def startup() -> None:
        try:
            seeded = await rules.seed_rules(db, ports.rulebook, settings.rules_seed, ports.clock())
        except rules.RuleError as exc:
            log.critical("routing rules are not usable: %s", exc)
            raise SystemExit(2) from None
        if seeded:
            log.info("seeded %d routing rules from %s", seeded, settings.rules_seed)
        ports.metrics.unroutable.set(await handlers.unroutable_count(db))

    digests = escalation.DailyDigests(db, ports, settings.digest_hour)

    async def watch_standards() -> None:
        await standards.notice_overdue(db, ports)
        await digests.send()

    overdue = every(settings.overdue_check_seconds, watch_standards, "overdue-watch", log)
    tokens = TokenDirectory(db, store.credentials)
    service = Service(
        name="routing",
        description="Routes requests to departments; takes departments' progress reports.",
        bus_description="Routing reads requests logged by field agents and assigns each to "
        "the department that can fix it, on `mo.dept.<department>`. Every message is a "
        "CloudEvents 1.0 event (structured JSON, header content-type "
        "application/cloudevents+json) keyed by the reference number; the payload below is "
        "its `data`. Deduplicate by the event `id`.",
        metadata=store.metadata,
        inbox=store.inbox,
        router=_routes(db, ports, tokens, Audit(store.audit, registry, "routing")),
        consumes=consumes(ports),
        consumes_description="Requests logged by field agents (mobileoffice.request.logged.v1).",
        publishes=PUBLISHES,
        startup=startup,
        workers=[overdue],
        retention=[
            closed_request_details_rule(
                privacy.RESIDENT_DETAILS,
                dt.timedelta(days=settings.details_retention_days),
                "updated_at",
            )
        ],
        deps=Deps(clock=ports.clock, outbox=Outbox(store.outbox, "routing")),
        tokens=tokens,
        state={"ports": ports},
    )
    return service_app(service, settings, db, registry, wiring)


def _routes(db: Database, ports: handlers.Ports, tokens: TokenDirectory, audit: Audit) -> APIRouter:
    """The API for machines, the work queue's pages for people and the audit of both, on one
    port."""
    sessions = Sessions(db, queue_store.sessions, store.credentials, tokens, ports.clock)
    router = APIRouter()
    router.include_router(routes(RoutingContext(db, ports, tokens, audit)))
    router.include_router(
        queue_pages.routes(queue_pages.QueueContext(db, ports, sessions, MissLimiter(), audit))
    )
    router.include_router(audit_routes(audit, db, requires(Role.OPERATOR)))
    return router


def asyncapi() -> FastStream:
    return specification(create_app(RoutingSettings()))
