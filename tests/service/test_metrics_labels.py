"""/metrics stays small and says nothing about anyone: the HTTP latency is labelled by a method
from a fixed set and a route template the app declares (`other` for the rest), so made-up
methods and paths cannot grow it, and no label carries a person's name."""

from __future__ import annotations

import re
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from services.notifications import store as notifications_store
from shared.credentials import Role
from shared.metrics import METHODS, route_templates
from shared.reference import new_reference
from tests.support.fakes import FakePublisher
from tests.support.intake import running_intake
from tests.support.notifications import running_notifications
from tests.support.tokens import issue

LATENCY = "mo_intake_http_request_duration_seconds"


def latency_series(metrics: str) -> set[tuple[str, str, str]]:
    return {
        (s.labels["method"], s.labels["route"], s.labels["status"])
        for family in text_string_to_metric_families(metrics)
        if family.name == LATENCY
        for s in family.samples
        if s.name == f"{LATENCY}_count"
    }


async def test_made_up_methods_and_paths_leave_the_series_bounded(tmp_path: Path) -> None:
    async with running_intake(
        f"sqlite+aiosqlite:///{tmp_path / 'i.db'}", publisher=FakePublisher()
    ) as intake:
        await intake.client.get("/v1/categories")
        before = (await intake.client.get("/metrics")).text
        for n in range(1000):
            await intake.client.request(f"BREW{n}", "/v1/requests", headers=intake.auth)
            await intake.client.get(f"/v1/requests/MO-{n:06d}/nowhere/{n}", headers=intake.auth)
        after = (await intake.client.get("/metrics")).text
        declared = route_templates(intake.app)
    series = latency_series(after)
    assert {method for method, _, _ in series} <= METHODS | {"other"}
    assert {route for _, route, _ in series} <= declared | {"other"}
    assert ("other", "/v1/requests", "405") in series
    assert ("GET", "other", "404") in series
    assert len(series) <= len(latency_series(before)) + 3  # the two above and /metrics itself
    assert len(after) < 2 * len(before)
    assert not re.search(r"BREW|MO-0|nowhere", after)


async def test_metrics_name_no_one_who_read_personal_details(tmp_path: Path) -> None:
    async with running_notifications(
        f"sqlite+aiosqlite:///{tmp_path / 'n.db'}", publisher=FakePublisher()
    ) as n:
        db = n.app.state.db
        token = await issue(db, notifications_store.credentials, "Thandeka Mokoena", Role.OPERATOR)
        read = await n.client.get(
            "/v1/notifications",
            params={"reference": new_reference(), "reason": "asked at the table"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert read.status_code == 200, read.text
        metrics = (await n.client.get("/metrics")).text
    assert 'mo_notifications_personal_reads_total{role="operator"} 1.0' in metrics
    assert "Thandeka" not in metrics
    assert "Mokoena" not in metrics
