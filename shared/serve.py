"""`python -m services.<name>`: read the settings (or exit with one clear line), set up
logging, and serve the service's app with uvicorn."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import uvicorn
from fastapi import FastAPI

from shared.logs import configure
from shared.settings import ServiceSettings, load_settings

__all__ = ["serve"]

S = TypeVar("S", bound=ServiceSettings)


def serve(settings_class: type[S], create_app: Callable[[S], FastAPI]) -> None:
    settings = load_settings(settings_class)
    configure(settings.log_level)
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level.lower(),
        log_config=None,  # uvicorn's lines go through the root's private formatter too
        access_log=False,
        # The app reads forwarded headers itself, only from MO_<SERVICE>_TRUSTED_PROXIES
        # (uvicorn's own default would trust 127.0.0.1's).
        proxy_headers=False,
    )
