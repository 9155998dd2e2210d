"""Reads of residents' descriptions and exact places are audited and their rows counted, on
SQLite and PostgreSQL: a department's work queue (JSON and pages), one request's page, the
operators' triage list and the field app's requests nearby. The audit row names who, which
read and how many requests, and holds nothing a resident said or where they live."""

from __future__ import annotations

import re

import pytest

from services.intake import store as intake_store
from shared.credentials import Role
from shared.events import CONTENT_TYPE
from shared.topics import REQUESTS_LOGGED
from tests.support.fakes import FakePublisher
from tests.support.intake import Intake, request_body, running_intake
from tests.support.routing import Routing, logged_event, running_routing
from tests.support.tokens import issue

pytestmark = pytest.mark.integration

TEAM = "water-and-sanitation"
WORDS = "Burst pipe behind Nomsa's house"


async def logged(routing: Routing, category: str = "water") -> str:
    event = logged_event(category=category, description=WORDS)
    await routing.app.state.broker.publish(
        event.to_bytes(), REQUESTS_LOGGED, key=event.key, headers={"content-type": CONTENT_TYPE}
    )
    await routing.drain_outbox()
    return event.subject


def rows_read(app: object, service: str, role: Role) -> float | None:
    """The rows counted for the callers of `role` (/metrics names no one: the audit does)."""
    registry = app.state.registry  # type: ignore[attr-defined]
    name = f"mo_{service}_personal_rows_read_total"
    return registry.get_sample_value(name, {"role": role.value})  # type: ignore[no-any-return]


async def test_work_queues_and_triage_are_audited_by_rows(database_url: str) -> None:
    async with running_routing(database_url, publisher=FakePublisher()) as routing:
        first, _ = await logged(routing), await logged(routing)
        await logged(routing, category="made-up")  # unroutable: on the triage list
        queue = await routing.client.get("/v1/queue", headers=await routing.auth(TEAM))
        assert queue.status_code == 200 and len(queue.json()) == 2
        operators = await routing.auth("operators")
        triage = await routing.client.get("/v1/requests", headers=operators)
        assert triage.status_code == 200 and len(triage.json()) == 1
        signed_in = await routing.client.post(
            "/queue/sign-in", data={"credential": await routing.token(TEAM)}
        )
        assert signed_in.status_code == 303
        assert (await routing.client.get("/queue/")).status_code == 200
        assert (await routing.client.get(f"/queue/requests/{first}")).status_code == 200
        audit = await routing.client.get("/v1/audit", headers=operators)
        counted = rows_read(routing.app, "routing", Role.DEPARTMENT)
    assert audit.status_code == 200, audit.text
    assert [(r["caller"], r["action"], r["subject"], r["rows"]) for r in audit.json()] == [
        (TEAM, "read request", first, 1),
        (TEAM, "read work queue page", "2 requests", 2),
        ("operators", "read triage list", "1 requests", 1),
        (TEAM, "read work queue", "2 requests", 2),
    ]
    assert "Nomsa" not in audit.text and "Mew Way" not in audit.text
    assert counted == 5


async def test_requests_nearby_are_audited_by_rows(database_url: str) -> None:
    async with running_intake(database_url, publisher=FakePublisher()) as intake:
        where = {"area": "east", "community": "Site C"}
        for _ in range(2):
            posted = await intake.post(request_body(location=where, description=WORDS))
            assert posted.status_code == 201, posted.text
        ask = {"category": "water", "community": "Site C"}
        found = await intake.client.get("/v1/requests/nearby", params=ask, headers=intake.auth)
        assert found.status_code == 200 and len(found.json()) == 2
        audit = await read_audit(intake)
        counted = rows_read(intake.app, "intake", Role.FIELD_AGENT)
    assert [(r["role"], r["action"], r["subject"], r["rows"]) for r in audit] == [
        ("field-agent", "read requests nearby", "2 requests", 2)
    ]
    assert not re.search("Nomsa|Site C", str(audit))
    assert counted == 2


async def read_audit(intake: Intake) -> list[dict[str, object]]:
    token = await issue(intake.app.state.db, intake_store.credentials, "operators", Role.OPERATOR)
    answer = await intake.client.get("/v1/audit", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]
