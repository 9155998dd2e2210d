"""The composition root: `create_app(settings, clock=..., wiring=...)` wires routing's
features (rules, decisions, work, queue, standards, privacy, attachments) for `make run` and tests;
`asyncapi()` describes it for `make docs`."""

from __future__ import annotations

import datetime as dt
from datetime import UTC, datetime
from typing import Final

from fastapi import APIRouter, FastAPI
from faststream import FastStream
from pydantic import BaseModel

from services.routing import store
from services.routing.attachments import api as attachments_api
from services.routing.attachments import bus as attachments_bus
from services.routing.attachments import pages as attachments_pages
from services.routing.attachments.adapters import NoStore
from services.routing.decisions import api as decisions_api
from services.routing.decisions import bus as decisions_bus
from services.routing.decisions.handlers import CountUnroutable, unroutable_count
from services.routing.deps import RoutingDeps
from services.routing.metrics import RoutingMetrics
from services.routing.privacy import bus as privacy_bus
from services.routing.privacy.store import RESIDENT_DETAILS
from services.routing.queue import api as queue_api
from services.routing.queue import bus as queue_bus
from services.routing.queue import pages as queue_pages
from services.routing.rules import api as rules_api
from services.routing.rules.domain import RuleError
from services.routing.rules.handlers import SeedRules, seed_rules
from services.routing.rules.store import RuleBook
from services.routing.settings import RoutingSettings
from services.routing.standards import api as standards_api
from services.routing.standards import bus as standards_bus
from services.routing.standards import pages as standards_pages
from services.routing.standards.worker import overdue_watch
from services.routing.work import api as work_api
from services.routing.work import bus as work_bus
from shared.asyncapi import specification
from shared.audit import Audit
from shared.auth import TokenDirectory
from shared.consumer import Route
from shared.identifiers import settings_for_describing
from shared.metrics import new_registry
from shared.migrations import load_seed
from shared.objects import open_attachments
from shared.retention import closed_request_details_rule
from shared.service import Service, Wiring, service_app
from shared.store import Database
from shared.use_case import Clock

__all__ = ["PUBLISHES", "asyncapi", "consumes", "create_app", "router"]

PUBLISHES: Final[tuple[type[BaseModel], ...]] = (
    *decisions_bus.PUBLISHES,
    *work_bus.PUBLISHES,
    *standards_bus.PUBLISHES,
    *privacy_bus.PUBLISHES,
    *attachments_bus.PUBLISHES,
)

router = APIRouter()
"""The API for machines and the work queue's pages for people, on one port."""
for feature in (
    rules_api,
    queue_api,
    standards_api,
    decisions_api,
    work_api,
    attachments_api,
    queue_pages,
    attachments_pages,
    standards_pages,
):
    router.include_router(feature.router)
router.include_router(queue_pages.sign_in)


def consumes(deps: RoutingDeps) -> tuple[Route, ...]:
    return (
        *decisions_bus.consumes(deps),
        *work_bus.consumes(deps),
        *queue_bus.consumes(deps),
        *privacy_bus.consumes(deps),
        *attachments_bus.consumes(deps),
    )


def create_app(
    settings: RoutingSettings, *, clock: Clock | None = None, wiring: Wiring | None = None
) -> FastAPI:
    """`clock` is the port tests set; `wiring` puts them on an in-memory bus."""
    registry = new_registry()
    db = Database(settings.database_url)
    clock = clock or (lambda: datetime.now(UTC))
    tokens = TokenDirectory(db, store.credentials)
    audit = Audit(store.audit, registry, "routing")
    deps = RoutingDeps(
        clock=clock,
        outbox=store.outbox,
        metrics=RoutingMetrics(registry),
        rulebook=RuleBook(),
        audit=audit,
        tokens=tokens,
        attachments=open_attachments(settings),
        catalogue=settings.catalogue(),
    )

    async def startup() -> None:
        rules = settings.rules_seed
        await load_seed("routing rules", rules, seed_rules(SeedRules(rules), db, deps), RuleError)
        deps.metrics.unroutable.set(await unroutable_count(CountUnroutable(), db, deps))

    service = Service(
        name="routing",
        description="Routes requests to departments; takes departments' progress reports.",
        bus_description="Routing reads requests logged by field agents and assigns each to "
        "the department that can fix it, on `mo.dept.<department>`. Every message is a "
        "CloudEvents 1.0 event (structured JSON, header content-type "
        "application/cloudevents+json) keyed by the reference number; the payload below is "
        "its `data`. Deduplicate by the event `id`.",
        tables=store.tables,
        router=router,
        consumes=consumes(deps),
        consumes_description="Requests logged by field agents (mobileoffice.request.logged.v1) "
        "and what is attached to them (mobileoffice.request.attachment_added.v1).",
        publishes=PUBLISHES,
        startup=startup,
        workers=[
            overdue_watch(db, deps, settings.overdue_check_seconds, settings.digest_hour),
        ],
        retention=[
            closed_request_details_rule(
                RESIDENT_DETAILS,
                dt.timedelta(days=settings.details_retention_days),
                "updated_at",
            )
        ],
        deps=deps,
        tokens=tokens,
        audit=audit,
    )
    app = service_app(service, settings, db, registry, wiring)
    app.add_middleware(NoStore)  # attachments' answers, refusals too, are never cached
    return app


def asyncapi() -> FastStream:
    return specification(create_app(settings_for_describing(RoutingSettings)))
