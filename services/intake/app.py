"""The composition root: `create_app(settings, clock=..., reference_generator=...,
wiring=...)` wires intake's features for `make run` and tests; `asyncapi()` describes it for
`make docs`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from datetime import datetime
from typing import Final

from fastapi import APIRouter, FastAPI
from faststream import FastStream
from pydantic import BaseModel

from services.intake import store
from services.intake.attachments import api as attachments_api
from services.intake.attachments import bus as attachments_bus
from services.intake.attachments.worker import retention_rules as attachment_rules
from services.intake.catalogue import api as catalogue_api
from services.intake.deps import IntakeDeps, wall_clock
from services.intake.desk import pages as desk_pages
from services.intake.devices import api as devices_api
from services.intake.devices.store import device_holder
from services.intake.field import pages as field_pages
from services.intake.metrics import IntakeMetrics
from services.intake.nearby import api as nearby_api
from services.intake.nearby import bus as nearby_bus
from services.intake.open311 import api as open311_api
from services.intake.open311.schemas import Open311Error, answer_refusal
from services.intake.open_data import api as open_data_api
from services.intake.photos import api as photos_api
from services.intake.photos import bus as photos_bus
from services.intake.privacy import api as privacy_api
from services.intake.privacy import bus as privacy_bus
from services.intake.reopening import api as reopening_api
from services.intake.reopening import bus as reopening_bus
from services.intake.requests import api as requests_api
from services.intake.requests import bus as requests_bus
from services.intake.requests.domain import IDEMPOTENCY_TTL
from services.intake.requests.store import RequestWriter, forget_idempotency_keys
from services.intake.resident import pages as resident_pages
from services.intake.settings import IntakeSettings
from services.intake.visits import api as visits_api
from services.intake.visits import bus as visits_bus
from shared.asyncapi import specification
from shared.audit import Audit
from shared.auth import TokenDirectory
from shared.consumer import Route
from shared.identifiers import settings_for_describing
from shared.limits import MissLimiter
from shared.metrics import new_registry
from shared.objects import open_attachments
from shared.reference import new_reference
from shared.retention import Rule, closed_request_details_rule
from shared.service import Service, Wiring, service_app
from shared.store import Database

__all__ = ["PUBLISHES", "ROUTER", "asyncapi", "consumes", "create_app"]

MAX_BODY_BYTES = 64 * 1024  # a request with a 2,000-character description is ~3 KB

ROUTER: Final = APIRouter()
"""The API, residents' privacy requests, Open311, the open-data file, the field app's
files beside it (one origin for the app), the resident's pages and the operators' tablets
desk; shared/service.py adds the audit's."""
# nearby's /v1/requests/nearby before requests' /v1/requests/{reference}
for _feature in (
    nearby_api,
    requests_api,
    catalogue_api,
    reopening_api,
    attachments_api,
    photos_api,
    devices_api,
    visits_api,
    privacy_api,
):
    ROUTER.include_router(_feature.router)
ROUTER.include_router(open311_api.router)
ROUTER.include_router(open_data_api.router)
ROUTER.include_router(field_pages.router)
ROUTER.include_router(resident_pages.router)
ROUTER.include_router(desk_pages.router)
ROUTER.include_router(desk_pages.sign_in)

PUBLISHES: Final[tuple[type[BaseModel], ...]] = (
    *requests_bus.PUBLISHES,
    *reopening_bus.PUBLISHES,
    *nearby_bus.PUBLISHES,
    *privacy_bus.PUBLISHES,
    *attachments_bus.PUBLISHES,
)


def consumes(deps: IntakeDeps) -> tuple[Route, ...]:
    """Routing's decisions, departments' progress and public photos, the visits, privacy
    answers."""
    return (
        *requests_bus.consumes(deps),
        *photos_bus.consumes(deps),
        *visits_bus.consumes(deps),
        *privacy_bus.consumes(deps),
    )


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
    now = clock or wall_clock
    outbox = store.outbox
    deps = IntakeDeps(
        clock=now,
        outbox=outbox,
        new_reference=reference_generator or new_reference,
        writer=RequestWriter(db, outbox),
        metrics=IntakeMetrics.register(registry),
        audit=Audit(store.audit, registry, "intake"),
        identifiers=settings.identifiers(),
        jurisdiction=settings.jurisdiction_id,
        attachments=open_attachments(settings),
        catalogue=settings.catalogue(),
        links=settings.resident_links(),
    )
    lookups = MissLimiter()
    service = Service(
        name="intake",
        description="Log residents' service requests and follow them up by reference number.",
        bus_description="Intake publishes each logged request on `mo.requests.logged` through "
        "its outbox and reads routing's decisions, departments' progress and the visits "
        "requests may be logged at. CloudEvents 1.0, structured JSON, keyed by reference "
        "number (or visit id).",
        tables=store.tables,
        router=ROUTER,
        consumes=consumes(deps),
        consumes_description="Routing's decisions, departments' progress and the visits "
        "requests may be logged at.",
        publishes=PUBLISHES,
        retention=_retention(settings, deps),
        deps=deps,
        tokens=TokenDirectory(
            db, store.credentials, also=lambda conn, token: device_holder(conn, token, now())
        ),
        max_body_bytes=MAX_BODY_BYTES,
        larger_bodies={f"POST {attachments_api.UPLOAD_PATH}": attachments_api.UPLOAD_LIMIT},
        state={"lookups": lookups, "open311_reads": open311_api.ReadLimits(lookups)},
        error_formats={Open311Error: answer_refusal},
        audit=deps.audit,
    )
    return service_app(service, settings, db, registry, wiring)


def _retention(settings: IntakeSettings, deps: IntakeDeps) -> list[Rule]:
    """Idempotency keys after a day; a finished request's description and place, and its
    photos, after `details_retention_days`; its documents after `documents_retention_days`."""
    details = dt.timedelta(days=settings.details_retention_days)
    return [
        Rule("idempotency_keys", IDEMPOTENCY_TTL, forget_idempotency_keys),
        closed_request_details_rule(store.RESIDENT_DETAILS, details, "updated_at"),
        *attachment_rules(
            deps.attachments,
            documents=dt.timedelta(days=settings.documents_retention_days),
            photos=details,
        ),
    ]


def asyncapi() -> FastStream:
    return specification(create_app(settings_for_describing(IntakeSettings)))
