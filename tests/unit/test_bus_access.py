"""The ACL table (shared/bus_access.py) says exactly what each service does on the bus, no
more: a service's writes are the topics of what it publishes (and the dead letters), its reads
the topics of what it consumes; docs/interface.md shows the table as it is."""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

import pytest
from pydantic import BaseModel

from services.intake import app as intake_app
from services.notifications import bus as notifications_bus
from services.routing import bus as routing_bus
from services.scheduling import bus as scheduling_bus
from shared.bus import consumed_topics
from shared.bus_access import ACCESS, OBSERVER, SERVICES, Access, grants, markdown_table
from shared.consumer import Route
from shared.contracts.registry import spec_for_model
from shared.kafka import bus_topics
from shared.topics import DEADLETTER, REQUESTS_LOGGED

ROOT = Path(__file__).resolve().parents[2]
NO_PORTS = cast(Any, None)  # routes only keep their handlers' ports; none is called here

BUSES: dict[str, tuple[Sequence[type[BaseModel]], Sequence[Route]]] = {
    "intake": (intake_app.PUBLISHES, intake_app.consumes(NO_PORTS)),
    "routing": (routing_bus.PUBLISHES, routing_bus.consumes(NO_PORTS)),
    "notifications": (notifications_bus.PUBLISHES, notifications_bus.consumes(NO_PORTS)),
    "scheduling": (scheduling_bus.PUBLISHES, scheduling_bus.CONSUMES),
}


def granted(principal: str, access: Access, topics: Sequence[str]) -> set[str]:
    """Which of `topics` the table lets `principal` read (or write)."""
    patterns = [g.topic for g in grants(principal) if g.access is access]
    return {t for t in topics if any(fnmatch.fnmatchcase(t, p) for p in patterns)}


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_may_write_what_it_publishes_and_nothing_else(service: str) -> None:
    publishes, _ = BUSES[service]
    topics = {t for model in publishes for t in spec_for_model(model).topics_of(service)}
    topics |= {DEADLETTER}
    assert granted(service, Access.WRITE, bus_topics()) == topics


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_may_read_what_it_consumes_and_nothing_else(service: str) -> None:
    _, routes = BUSES[service]
    assert granted(service, Access.READ, bus_topics()) == set(consumed_topics(routes))


def test_only_routing_and_notifications_read_the_residents_details() -> None:
    readers = {g.principal for g in ACCESS if g.access is Access.READ and g.name == REQUESTS_LOGGED}
    assert readers == {"routing", "notifications"}
    assert REQUESTS_LOGGED not in granted(OBSERVER, Access.READ, bus_topics())
    writers = {
        g.principal for g in ACCESS if g.access is Access.WRITE and g.name == REQUESTS_LOGGED
    }
    assert writers == {"intake"}


def test_the_interface_page_shows_the_table_as_it_is() -> None:
    assert markdown_table() in (ROOT / "docs" / "interface.md").read_text()
