"""The AsyncAPI document of a service, from the same declaration it runs with. Each service's
`app.py` has an `asyncapi()` factory for:

    faststream docs gen --factory --yaml services.routing.app:asyncapi

`make docs` writes one per service under docs/asyncapi/."""

from __future__ import annotations

from fastapi import FastAPI
from faststream import FastStream
from faststream.specification import AsyncAPI

__all__ = ["specification"]


def specification(app: FastAPI) -> FastStream:
    """A FastStream app used only to describe the service `app` runs; it is never run."""
    service = app.state.service
    spec = AsyncAPI(
        app.state.broker,
        title=f"Mobile Office {service.name}",
        version="1",
        description=service.bus_description,
    )
    return FastStream(app.state.broker, specification=spec)
