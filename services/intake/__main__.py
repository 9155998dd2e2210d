"""`python -m services.intake`: serve intake on MO_INTAKE_HOST:MO_INTAKE_PORT."""

from __future__ import annotations

import logging

import uvicorn

from services.intake.app import create_app
from services.intake.settings import IntakeSettings
from shared.settings import load_settings


def main() -> None:
    settings = load_settings(IntakeSettings)
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level.lower(),
        access_log=False,
    )


if __name__ == "__main__":
    main()
