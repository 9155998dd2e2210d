"""Every read of residents' details by a person leaves an audit row with the caller and the
reason, on SQLite and PostgreSQL; a read without a reason, or with a reason holding personal
data, is refused; the audit cannot be changed, rewritten or emptied, even by the service's own
connection, and its hash chain finds what was done around the triggers."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DBAPIError

from services.notifications import store
from shared.audit_chain import verify
from shared.reference import new_reference
from tests.support.fakes import FakePublisher
from tests.support.notifications import Notifications, running_notifications

pytestmark = pytest.mark.integration

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


@pytest.mark.parametrize(
    "reason",
    [
        "the resident on 0825550199 asked",
        "the resident on 082 555 0199 asked",
        "ID 8001015009087 at the table",
        "nomsa.dlamini@example.org asked",
        "x" * 121,
    ],
)
async def test_a_reason_holding_personal_data_is_refused(tmp_path: Path, reason: str) -> None:
    async with running_notifications(
        f"sqlite+aiosqlite:///{tmp_path / 'n.db'}", publisher=FakePublisher()
    ) as n:
        params = {"reference": new_reference(), "reason": reason}
        refused = await n.client.get("/v1/notifications", params=params, headers=n.auth)
        rows = (await n.client.get("/v1/audit", headers=n.auth)).json()
    assert refused.status_code == 422, refused.text
    assert "reason" in refused.text
    assert rows == []


async def test_a_dated_reason_is_still_a_reason(tmp_path: Path) -> None:
    async with running_notifications(
        f"sqlite+aiosqlite:///{tmp_path / 'n.db'}", publisher=FakePublisher()
    ) as n:
        params = {"reference": new_reference(), "reason": "asked at the table on 2030-03-04"}
        read = await n.client.get("/v1/notifications", params=params, headers=n.auth)
    assert read.status_code == 200, read.text


async def test_the_audit_cannot_be_rewritten_or_truncated(database_url: str) -> None:
    async with running_notifications(database_url, publisher=FakePublisher()) as n:
        await read_messages(n, 1)
        db = n.app.state.db
        if db.is_sqlite:  # a rewrite the UPDATE trigger never sees
            attempts = [
                "INSERT OR REPLACE INTO audit (id, at, caller, role, action, subject, reason) "
                "SELECT id, at, caller, role, action, subject, 'nothing to see' FROM audit"
            ]
        else:
            attempts = ["TRUNCATE audit_seal", "TRUNCATE audit CASCADE"]
        for attempt in attempts:
            with pytest.raises(DBAPIError, match="append-only"):
                async with db.transaction() as conn:
                    await conn.execute(text(attempt))
        rows = (await n.client.get("/v1/audit", headers=n.auth)).json()
    assert [r["reason"] for r in rows] == [REASON]


async def test_tampering_around_the_triggers_is_found(database_url: str) -> None:
    async with running_notifications(database_url, publisher=FakePublisher()) as n:
        await read_messages(n, 5)
        db = n.app.state.db
        async with db.reading() as conn:
            intact = await verify(conn, store.audit, store.audit_seal)
        async with db.transaction() as conn:
            for statement in without_triggers(db.is_sqlite):
                await conn.execute(text(statement))
            await conn.execute(update(store.audit).where(store.audit.c.id == 2).values(reason="-"))
            await conn.execute(delete(store.audit_seal).where(store.audit_seal.c.audit_id == 4))
            await conn.execute(delete(store.audit).where(store.audit.c.id == 4))
        async with db.reading() as conn:
            tampered = await verify(conn, store.audit, store.audit_seal)
    assert intact.problems == [] and intact.rows == 5
    assert tampered.problems == [
        "row 2 does not match its seal: it, or a row before it, was rewritten or removed",
        "row 5 does not match its seal: it, or a row before it, was rewritten or removed",
    ]
    command = [sys.executable, "-m", "shared.audit_chain", database_url]
    checked = await asyncio.to_thread(
        subprocess.run, command, capture_output=True, text=True, timeout=60, check=False
    )
    assert checked.returncode == 1
    assert "row 2 does not match" in checked.stdout and "2 problems" in checked.stdout


async def read_messages(n: Notifications, times: int) -> None:
    for _ in range(times):
        params = {"reference": new_reference(), "reason": REASON}
        read = await n.client.get("/v1/notifications", params=params, headers=n.auth)
        assert read.status_code == 200, read.text


def without_triggers(sqlite: bool) -> list[str]:
    """What the service's own connection can do to the append-only triggers."""
    if sqlite:
        return [
            f"DROP TRIGGER {table}_no_{when}"
            for table in ("audit", "audit_seal")
            for when in ("update", "delete")
        ]
    return ["ALTER TABLE audit DISABLE TRIGGER USER", "ALTER TABLE audit_seal DISABLE TRIGGER USER"]


async def test_the_audit_list_refuses_a_control_character_it_cannot_look_up(
    database_url: str,
) -> None:
    # PostgreSQL cannot hold a NUL in text: looking one up was a 500 (schemathesis found it).
    async with running_notifications(database_url, publisher=FakePublisher()) as n:
        for name in ("caller", "subject"):
            refused = await n.client.get("/v1/audit", params={name: "a\x00b"}, headers=n.auth)
            assert refused.status_code == 422, refused.text
            assert name in refused.json()["error"]["fields"]
