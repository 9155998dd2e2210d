"""The composition root: `create_app(settings, **overrides)` wires intake for `make run` and
tests; `asyncapi()` describes it for `make docs`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from datetime import UTC, datetime

from fastapi import APIRouter, FastAPI
from faststream import FastStream
from prometheus_client import Counter

from services.intake import device_store, field_app, handlers, open311, open_data, privacy, store
from services.intake.api import IntakeContext, routes
from services.intake.bus import CONSUMES, PUBLISHES
from services.intake.domain import IDEMPOTENCY_TTL
from services.intake.new_requests import RequestWriter
from services.intake.open311_format import Open311Error, answer_refusal
from services.intake.settings import IntakeSettings
from shared.asyncapi import specification
from shared.audit import Audit, audit_routes
from shared.auth import TokenDirectory, requires
from shared.credentials import Role
from shared.identifiers import IdentifierKey, settings_for_describing
from shared.metrics import new_registry
from shared.outbox import Outbox
from shared.reference import new_reference
from shared.retention import Rule, closed_request_details_rule
from shared.service import Service, Wiring, service_app
from shared.store import Database
from shared.use_case import Deps

__all__ = ["asyncapi", "create_app"]

MAX_BODY_BYTES = 64 * 1024  # a request with a 2,000-character description is ~3 KB


def create_app(
    settings: IntakeSettings,
    *,
    clock: Callable[[], datetime] | None = None,
    reference_generator: Callable[[], str] | None = None,
    wiring: Wiring | None = None,
) -> FastAPI:
    """`clock` and `reference_generator` are the ports tests set; `wiring` puts them on an
    in-memory bus."""
    registry = new_registry()
    db = Database(settings.database_url)
    ports = handlers.Ports(
        clock=clock or (lambda: datetime.now(UTC)),
        new_reference=reference_generator or new_reference,
    )
    audit = Audit(store.audit, registry, "intake")
    context = IntakeContext(
        db=db,
        writer=RequestWriter(db),
        tokens=TokenDirectory(db, store.credentials, also=device_store.device_holder),
        ports=ports,
        logged_total=Counter(
            "mo_intake_requests_logged_total",
            "Requests logged, by category and area.",
            ["category", "area"],
            registry=registry,
        ),
        audit=audit,
    )
    service = Service(
        name="intake",
        description="Log residents' service requests and follow them up by reference number.",
        bus_description="Intake publishes each logged request on `mo.requests.logged` through "
        "its outbox and reads routing's decisions, departments' progress and the visits "
        "requests may be logged at. CloudEvents 1.0, structured JSON, keyed by reference "
        "number (or visit id).",
        metadata=store.metadata,
        inbox=store.inbox,
        router=_routes(context, settings.jurisdiction_id, settings.identifiers()),
        consumes=CONSUMES,
        consumes_description="Routing's decisions, departments' progress and the visits "
        "requests may be logged at.",
        publishes=PUBLISHES,
        retention=[
            Rule("idempotency_keys", IDEMPOTENCY_TTL, store.forget_idempotency_keys),
            closed_request_details_rule(
                store.RESIDENT_DETAILS,
                dt.timedelta(days=settings.details_retention_days),
                "updated_at",
            ),
        ],
        deps=Deps(clock=ports.clock, outbox=Outbox(store.outbox, "intake")),
        tokens=context.tokens,
        max_body_bytes=MAX_BODY_BYTES,
        state={"ports": ports},
        error_formats={Open311Error: answer_refusal},
    )
    return service_app(service, settings, db, registry, wiring)


def _routes(context: IntakeContext, jurisdiction: str, identifiers: IdentifierKey) -> APIRouter:
    """The API, residents' privacy requests, Open311, the open-data file, and the field
    app's files beside it (one origin for the app)."""
    router = APIRouter()
    operators = requires(Role.OPERATOR)
    router.include_router(routes(context))
    audit = context.audit
    router.include_router(
        privacy.routes(context.db, audit, operators, context.ports.clock, identifiers)
    )
    router.include_router(audit_routes(audit, context.db, operators))
    router.include_router(open311.routes(jurisdiction, context))
    router.include_router(open_data.routes(context.db, context.ports.clock))
    router.include_router(field_app.routes())
    return router


def asyncapi() -> FastStream:
    return specification(create_app(settings_for_describing(IntakeSettings)))
