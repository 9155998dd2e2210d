"""The composition root: `create_app(settings, *, clock=None, wiring=None)` wires scheduling
for `make run` and tests; `asyncapi()` describes it for `make docs`."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, FastAPI
from faststream import FastStream

from services.scheduling import store
from services.scheduling.communities import api as communities_api
from services.scheduling.communities import bus as communities_bus
from services.scheduling.communities.adapters import SeedError
from services.scheduling.communities.handlers import (
    RefreshGauges,
    SeedCommunities,
    refresh_gauges,
    seed_communities,
)
from services.scheduling.deps import SchedulingDeps
from services.scheduling.metrics import SchedulingMetrics
from services.scheduling.planning import pages as planning_pages
from services.scheduling.plans import api as plans_api
from services.scheduling.settings import SchedulingSettings
from services.scheduling.visits import api as visits_api
from services.scheduling.visits import bus as visits_bus
from shared.asyncapi import specification
from shared.auth import TokenDirectory
from shared.metrics import new_registry
from shared.migrations import load_seed
from shared.service import Service, Wiring, service_app
from shared.store import Database
from shared.use_case import Clock

__all__ = ["asyncapi", "create_app"]

ROUTES = APIRouter()
for feature in (communities_api, plans_api, visits_api, planning_pages):
    ROUTES.include_router(feature.router)
ROUTES.include_router(planning_pages.sign_in)


def create_app(
    settings: SchedulingSettings, *, clock: Clock | None = None, wiring: Wiring | None = None
) -> FastAPI:
    """`clock` is the port tests set; `wiring` puts them on an in-memory bus."""
    registry = new_registry()
    db = Database(settings.database_url)
    deps = SchedulingDeps(
        clock=clock or (lambda: datetime.now(UTC)),
        outbox=store.outbox,
        metrics=SchedulingMetrics(registry),
    )

    async def startup() -> None:
        seed = settings.communities_seed
        await load_seed(
            "communities", seed, seed_communities(SeedCommunities(seed), db, deps), SeedError
        )
        await refresh_gauges(RefreshGauges(), db, deps)

    service = Service(
        name="scheduling",
        description="Plans the Mobile Office's visits and announces them.",
        bus_description="Scheduling announces the Mobile Office's visits on `mo.visits` "
        "(CloudEvents 1.0, structured JSON, keyed by visit id) and reads routing's decisions "
        "and departments' progress to count the open requests per community.",
        tables=store.tables,
        router=ROUTES,
        consumes=communities_bus.consumes(deps),
        consumes_description="Routing's decisions and departments' progress, to count the "
        "open requests per community.",
        publishes=visits_bus.PUBLISHES,
        startup=startup,
        deps=deps,
        tokens=TokenDirectory(db, store.credentials),
    )
    return service_app(service, settings, db, registry, wiring)


def asyncapi() -> FastStream:
    return specification(create_app(SchedulingSettings()))
