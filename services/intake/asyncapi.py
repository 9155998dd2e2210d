"""Intake's AsyncAPI document: what it consumes to keep residents' follow-ups current."""

from faststream import FastStream

from services.intake.app import create_app
from services.intake.settings import IntakeSettings
from shared.asyncapi import specification


def schema_app() -> FastStream:
    app = create_app(IntakeSettings())
    return specification(
        app.state.broker,
        "intake",
        "Intake publishes mobileoffice.request.logged.v1 on `mo.requests.logged` through its "
        "outbox (see shared/contracts/requests.py) and reads routing's decisions and "
        "departments' progress. CloudEvents 1.0, structured JSON, keyed by reference number.",
    )
