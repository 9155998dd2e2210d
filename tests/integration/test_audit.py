"""Every read of residents' details by a person leaves an audit row with the caller and the
reason, on SQLite and PostgreSQL; a read without a reason is refused; the audit cannot be
changed or emptied, even by the service's own connection."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, update
from sqlalchemy.exc import DBAPIError

from services.notifications import store
from shared.reference import new_reference
from tests.support.fakes import FakePublisher
from tests.support.notifications import running_notifications

REASON = "the resident asked at the table in Wupperthal"


async def test_a_read_needs_a_reason_and_leaves_a_row(database_url: str) -> None:
    async with running_notifications(database_url, publisher=FakePublisher()) as n:
        reference = new_reference()
        refused = await n.client.get(f"/v1/notifications?reference={reference}", headers=n.auth)
        assert refused.status_code == 422
        assert "reason" in refused.text
        read = await n.client.get(
            "/v1/notifications", params={"reference": reference, "reason": REASON}, headers=n.auth
        )
        assert read.status_code == 200, read.text
        listed = await n.client.get(
            "/v1/subscriptions", params={"community": "Delft", "reason": REASON}, headers=n.auth
        )
        assert listed.status_code == 200, listed.text
        audit = (await n.client.get("/v1/audit", headers=n.auth)).json()
        one = (
            await n.client.get("/v1/audit", params={"subject": reference}, headers=n.auth)
        ).json()
        counted = n.app.state.registry.get_sample_value(
            "mo_notifications_personal_reads_total", {"role": "operator"}
        )
    assert [(r["action"], r["subject"], r["caller"], r["role"], r["reason"]) for r in audit] == [
        ("list subscriptions", "Delft", "operators", "operator", REASON),
        ("read messages", reference, "operators", "operator", REASON),
    ]
    assert [r["subject"] for r in one] == [reference]
    assert counted == 2


async def test_the_audit_cannot_be_changed_or_emptied(database_url: str) -> None:
    async with running_notifications(database_url, publisher=FakePublisher()) as n:
        await n.client.get(
            "/v1/notifications",
            params={"reference": new_reference(), "reason": REASON},
            headers=n.auth,
        )
        for statement in (update(store.audit).values(reason="nothing to see"), delete(store.audit)):
            with pytest.raises(DBAPIError, match="append-only"):
                async with n.app.state.db.transaction() as conn:
                    await conn.execute(statement)
        rows = (await n.client.get("/v1/audit", headers=n.auth)).json()
    assert [r["reason"] for r in rows] == [REASON]
