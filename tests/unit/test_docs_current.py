"""The committed AsyncAPI and OpenAPI documents describe the code as it is (`make docs`
refreshes them)."""

import importlib
import json
from pathlib import Path

import pytest
import yaml

from deploy.openapi import document

DOCS = Path(__file__).resolve().parents[2] / "docs"
SERVICES = ["intake", "routing", "notifications", "scheduling"]


@pytest.mark.parametrize("service", SERVICES)
def test_committed_asyncapi_document_is_current(service: str) -> None:
    app = importlib.import_module(f"services.{service}.app")
    generated = app.asyncapi().schema.to_specification().to_yaml()
    committed = (DOCS / "asyncapi" / f"{service}.yaml").read_text()
    assert yaml.safe_load(generated) == yaml.safe_load(committed), "run `make docs`"


@pytest.mark.parametrize("service", SERVICES)
def test_committed_openapi_document_is_current(service: str) -> None:
    generated = json.loads(json.dumps(document(service)))  # as committed: JSON types only
    committed = json.loads((DOCS / "openapi" / f"{service}.json").read_text())
    assert generated == committed, "run `make docs`"


def test_every_department_finds_its_topic_and_payload() -> None:
    document = yaml.safe_load((DOCS / "asyncapi" / "routing.yaml").read_text())
    from shared.catalogue import DEPARTMENTS

    for department in DEPARTMENTS:
        channel = document["channels"][f"mo.dept.{department.slug}:request.assigned"]
        assert channel["address"] == f"mo.dept.{department.slug}"
    fields = document["components"]["schemas"]["RequestAssigned"]["properties"]
    assert {"reference", "priority", "due_at", "location"} <= set(fields)
    assert not {"resident", "phone", "email", "name"} & set(fields)
