"""Scheduling's AsyncAPI document: the visits it announces on `mo.visits`."""

from faststream import FastStream

from services.scheduling.app import create_app
from services.scheduling.settings import SchedulingSettings
from shared.asyncapi import specification


def schema_app() -> FastStream:
    app = create_app(SchedulingSettings())
    return specification(
        app.state.broker,
        "scheduling",
        "Scheduling announces the Mobile Office's visits on `mo.visits` (CloudEvents 1.0, "
        "structured JSON, keyed by visit id) and reads requests to count open ones per community.",
    )
