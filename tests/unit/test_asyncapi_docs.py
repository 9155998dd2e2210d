"""The committed AsyncAPI documents describe the code as it is (`make docs` refreshes them)."""

import importlib
from pathlib import Path

import pytest
import yaml

DOCS = Path(__file__).resolve().parents[2] / "docs" / "asyncapi"


@pytest.mark.parametrize("service", ["intake", "routing", "notifications", "scheduling"])
def test_committed_asyncapi_document_is_current(service: str) -> None:
    module = importlib.import_module(f"services.{service}.asyncapi")
    generated = module.schema_app().schema.to_specification().to_yaml()
    committed = (DOCS / f"{service}.yaml").read_text()
    assert yaml.safe_load(generated) == yaml.safe_load(committed), "run `make docs`"


def test_every_department_finds_its_topic_and_payload() -> None:
    document = yaml.safe_load((DOCS / "routing.yaml").read_text())
    from shared.catalogue import DEPARTMENTS

    for department in DEPARTMENTS:
        channel = document["channels"][f"mo.dept.{department.slug}:assigned"]
        assert channel["address"] == f"mo.dept.{department.slug}"
    fields = document["components"]["schemas"]["RequestAssigned"]["properties"]
    assert {"reference", "priority", "due_at", "location"} <= set(fields)
    assert not {"resident", "phone", "email", "name"} & set(fields)
