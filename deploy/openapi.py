"""`python -m deploy.openapi SERVICE`: the service's OpenAPI document as JSON on standard
output (`make docs` writes one per service under docs/openapi/)."""

from __future__ import annotations

import importlib
import json
import sys

from shared.identifiers import settings_for_describing
from shared.settings import ServiceSettings


def document(service: str) -> dict[str, object]:
    app_module = importlib.import_module(f"services.{service}.app")
    settings_module = importlib.import_module(f"services.{service}.settings")
    settings_class = next(
        value
        for value in vars(settings_module).values()
        if isinstance(value, type)
        and issubclass(value, ServiceSettings)
        and value.__module__ == settings_module.__name__
    )
    return dict(app_module.create_app(settings_for_describing(settings_class)).openapi())


if __name__ == "__main__":
    print(json.dumps(document(sys.argv[1]), indent=2, sort_keys=True))
