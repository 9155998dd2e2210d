"""Notifications' AsyncAPI document: what it reads, and what it reports on `mo.notifications`."""

from faststream import FastStream

from services.notifications.app import create_app
from services.notifications.settings import NotificationsSettings
from shared.asyncapi import specification


def schema_app() -> FastStream:
    app = create_app(NotificationsSettings())
    return specification(
        app.state.broker,
        "notifications",
        "Notifications reads requests and visits and tells residents by SMS or e-mail; what "
        "happened to each message goes on `mo.notifications` (no addresses or texts).",
    )
