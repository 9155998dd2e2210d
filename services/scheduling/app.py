"""The composition root: `create_app(settings, **overrides)` wires scheduling for `make run`
and tests; `asyncapi()` describes it for `make docs`."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from fastapi import FastAPI
from faststream import FastStream

from services.scheduling import handlers, store
from services.scheduling.api import routes
from services.scheduling.bus import CONSUMES, PUBLISHES
from services.scheduling.seed import SeedError
from services.scheduling.settings import SchedulingSettings
from shared.asyncapi import specification
from shared.auth import TokenDirectory
from shared.metrics import new_registry
from shared.outbox import Outbox
from shared.service import Service, Wiring, service_app
from shared.store import Database
from shared.use_case import Deps

__all__ = ["asyncapi", "create_app"]

log = logging.getLogger(__name__)


def create_app(
    settings: SchedulingSettings,
    *,
    clock: Callable[[], datetime] | None = None,
    wiring: Wiring | None = None,
) -> FastAPI:
    """`clock` is the port tests set; `wiring` puts them on an in-memory bus."""
    registry = new_registry()
    db = Database(settings.database_url)
    ports = handlers.Ports(
        clock=clock or (lambda: datetime.now(UTC)), metrics=handlers.SchedulingMetrics(registry)
    )

    async def startup() -> None:
        try:
            seeded = await handlers.seed(db, settings.communities_seed)
        except SeedError as exc:
            log.critical("communities seed is not usable: %s", exc)
            raise SystemExit(2) from None
        if seeded:
            log.info("seeded %d communities from %s", seeded, settings.communities_seed)
        await handlers.refresh_gauges(db, ports)

    service = Service(
        name="scheduling",
        description="Plans the Mobile Office's visits and announces them.",
        bus_description="Scheduling announces the Mobile Office's visits on `mo.visits` "
        "(CloudEvents 1.0, structured JSON, keyed by visit id) and reads routing's decisions "
        "and departments' progress to count the open requests per community.",
        metadata=store.metadata,
        inbox=store.inbox,
        router=routes(db, ports),
        consumes=CONSUMES,
        consumes_description="Routing's decisions and departments' progress, to count the "
        "open requests per community.",
        publishes=PUBLISHES,
        startup=startup,
        deps=Deps(clock=ports.clock, outbox=Outbox(store.outbox, "scheduling")),
        tokens=TokenDirectory(db, store.credentials),
        state={"ports": ports},
    )
    return service_app(service, settings, db, registry, wiring)


def asyncapi() -> FastStream:
    return specification(create_app(SchedulingSettings()))
