"""The AsyncAPI document of a service, from the same broker wiring it runs with:

    faststream docs gen --factory --yaml services.routing.asyncapi:schema_app

`make docs` writes one per service under docs/asyncapi/."""

from __future__ import annotations

from faststream import FastStream
from faststream.kafka import KafkaBroker
from faststream.specification import AsyncAPI

__all__ = ["specification"]


def specification(broker: KafkaBroker, service: str, description: str) -> FastStream:
    """A FastStream app used only to describe `broker`; it is never run."""
    spec = AsyncAPI(broker, title=f"Mobile Office {service}", version="1", description=description)
    return FastStream(broker, specification=spec)
