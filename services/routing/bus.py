"""Routing on the bus: it consumes `mo.requests.logged`; the publishers declared here are what
its outbox relay writes, declared so the AsyncAPI document shows each department its topic."""

from __future__ import annotations

from faststream.kafka import KafkaBroker

from shared.bus import subscribe
from shared.catalogue import DEPARTMENTS
from shared.consumer import ConsumerMetrics, EventConsumer
from shared.contracts.routing import RequestAssigned, RequestRouted, StatusChanged
from shared.topics import REQUESTS_LOGGED, REQUESTS_ROUTED, REQUESTS_STATUS, department_topic

__all__ = ["PUBLISHED_TOPICS", "wire"]

PUBLISHED_TOPICS = (
    REQUESTS_ROUTED,
    REQUESTS_STATUS,
    *(department_topic(d.slug) for d in DEPARTMENTS),
)


def wire(broker: KafkaBroker, consumer: EventConsumer, metrics: ConsumerMetrics) -> None:
    subscribe(
        broker,
        [REQUESTS_LOGGED],
        consumer,
        metrics,
        description="Requests logged by field agents (mobileoffice.request.logged.v1).",
    )
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
