"""Routing's AsyncAPI document: what it reads and what each department finds on its topic."""

from faststream import FastStream

from services.routing.app import create_app
from services.routing.settings import RoutingSettings
from shared.asyncapi import specification


def schema_app() -> FastStream:
    app = create_app(RoutingSettings())
    return specification(
        app.state.broker,
        "routing",
        "Routing reads requests logged by field agents and assigns each to the department "
        "that can fix it, on `mo.dept.<department>`. Every message is a CloudEvents 1.0 event "
        "(structured JSON, header content-type application/cloudevents+json) keyed by the "
        "reference number; the payload below is its `data`. Deduplicate by the event `id`.",
    )
