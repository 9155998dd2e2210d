"""schemathesis against each service's own OpenAPI document, as the running processes serve
it: no 5xx for anything the schema allows, and responses that match their schemas."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.e2e.conftest import SERVICES, System

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("service", SERVICES)
def test_no_5xx_and_responses_match_their_schemas(system: System, service: str) -> None:
    url = system.url(service)
    schema = schemathesis.openapi.from_url(f"{url}/openapi.json")
    headers = {
        "Authorization": f"Bearer {system.agent_token if service == 'intake' else system.team('operators')}"
    }
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations, f"{service} documents its operations"
    for operation in operations:

        @settings(
            max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        @given(case=operation.as_strategy())
        def run(case: schemathesis.Case) -> None:
            case.call_and_validate(
                base_url=url,
                headers=headers,
                timeout=10,
                checks=[not_a_server_error, response_schema_conformance],
            )

        run()
