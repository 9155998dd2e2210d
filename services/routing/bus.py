"""Routing on the bus, as documented: the publishers declared here are what its outbox relay
writes, declared so the AsyncAPI document shows each department its topic."""

from __future__ import annotations

from faststream.kafka import KafkaBroker

from shared.catalogue import DEPARTMENTS
from shared.contracts.routing import RequestAssigned, RequestRouted, StatusChanged
from shared.topics import REQUESTS_ROUTED, REQUESTS_STATUS, department_topic

__all__ = ["PUBLISHED_TOPICS", "document_publishers"]

PUBLISHED_TOPICS = (
    REQUESTS_ROUTED,
    REQUESTS_STATUS,
    *(department_topic(d.slug) for d in DEPARTMENTS),
)


def document_publishers(broker: KafkaBroker) -> None:
    """Declares what routing's outbox relay writes, for the AsyncAPI document only."""
    for department in DEPARTMENTS:
        broker.publisher(
            department_topic(department.slug),
            title=f"{department_topic(department.slug)}:assigned",
            description=(
                f"Work for {department.name}: mobileoffice.request.assigned.v1 CloudEvents "
                "(the `data` below), keyed by reference. No resident contact details."
            ),
            schema=RequestAssigned,
        )
    broker.publisher(
        REQUESTS_ROUTED,
        title=f"{REQUESTS_ROUTED}:routed",
        description="mobileoffice.request.routed.v1 (and request.unroutable.v1) CloudEvents.",
        schema=RequestRouted,
    )
    broker.publisher(
        REQUESTS_STATUS,
        title=f"{REQUESTS_STATUS}:status_changed",
        description="mobileoffice.request.status_changed.v1 CloudEvents from departments.",
        schema=StatusChanged,
    )
