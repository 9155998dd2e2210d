"""The composition root: `create_app(settings, **overrides)` wires routing for `make run` and
tests; `asyncapi()` describes it for `make docs`."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from fastapi import FastAPI
from faststream import FastStream

from services.routing import handlers, rules, standards, store
from services.routing.api import RoutingContext, routes
from services.routing.bus import PUBLISHES, consumes
from services.routing.settings import RoutingSettings
from shared.asyncapi import specification
from shared.auth import TokenDirectory
from shared.background import every
from shared.metrics import new_registry
from shared.service import Service, Wiring, service_app
from shared.store import Database

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

    overdue = every(
        settings.overdue_check_seconds,
        lambda: standards.notice_overdue(db, ports),
        "overdue-watch",
        log,
    )
    service = Service(
        name="routing",
        description="Routes requests to departments; takes departments' progress reports.",
        bus_description="Routing reads requests logged by field agents and assigns each to "
        "the department that can fix it, on `mo.dept.<department>`. Every message is a "
        "CloudEvents 1.0 event (structured JSON, header content-type "
        "application/cloudevents+json) keyed by the reference number; the payload below is "
        "its `data`. Deduplicate by the event `id`.",
        metadata=store.metadata,
        outbox=store.outbox,
        inbox=store.inbox,
        router=routes(RoutingContext(db, ports, TokenDirectory(db, store.credentials))),
        consumes=consumes(ports),
        consumes_description="Requests logged by field agents (mobileoffice.request.logged.v1).",
        publishes=PUBLISHES,
        startup=startup,
        workers=[overdue],
        state={"ports": ports},
    )
    return service_app(service, settings, db, registry, wiring)


def asyncapi() -> FastStream:
    return specification(create_app(RoutingSettings()))
