"""The tables several services keep (audit, credentials, inbox, outbox), and the kinds of table
several revisions make alike (keys seen), as the revisions that made them made them: what the
services' migrations run.

A released migration runs the same statements forever, so these functions are never edited:
a later change to one of these tables is a new function here, called by a new revision.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shared.audit_chain import append_only_statements

__all__ = [
    "append_only",
    "create_audit",
    "create_audit_seal",
    "create_baseline_shared_tables",
    "create_credentials",
    "create_inbox",
    "create_keys_seen",
    "create_outbox",
    "create_page_sessions",
    "drop_audit",
    "drop_audit_triggers_added_at_0002",
    "drop_baseline_shared_tables",
    "drop_credentials",
    "drop_page_sessions",
]

_AUDIT_REFUSAL = "the audit is append-only"


def create_baseline_shared_tables(*, audit: bool) -> None:
    """What every service's revision 0001 made beside its own tables: credentials, inbox and
    outbox, and (intake and notifications) the audit."""
    if audit:
        create_audit(refusing_changes=True)
    create_credentials()
    create_inbox()
    create_outbox()


def drop_baseline_shared_tables(*, audit: bool) -> None:
    op.drop_table("outbox")
    op.drop_table("inbox")
    drop_credentials()
    if audit:
        drop_audit()


def create_audit(*, refusing_changes: bool) -> None:
    """The audit as revision 0001 made it; `refusing_changes`: with the triggers that refuse
    an UPDATE or DELETE of a row (intake's and notifications' 0001 had them, routing's audit
    came at its 0002 and takes the newer triggers from `append_only`)."""
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("caller", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("subject", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit", schema=None) as batch_op:
        batch_op.create_index("ix_audit_caller_at", ["caller", "at"], unique=False)
    if refusing_changes:
        _refuse_audit_changes()


def _refuse_audit_changes() -> None:
    """(asyncpg prepares each statement: one at a time.)"""
    if op.get_bind().dialect.name == "sqlite":
        for when in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_no_{when.lower()} BEFORE {when} ON audit "
                f"BEGIN SELECT RAISE(ABORT, '{_AUDIT_REFUSAL}'); END"
            )
        return
    op.execute(
        "CREATE OR REPLACE FUNCTION audit_refuse() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN RAISE EXCEPTION '{_AUDIT_REFUSAL}'; END $$"
    )
    op.execute(
        "CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit "
        "FOR EACH ROW EXECUTE FUNCTION audit_refuse()"
    )


def drop_audit() -> None:
    with op.batch_alter_table("audit", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_caller_at")
    op.drop_table("audit")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS audit_refuse()")


def create_audit_seal() -> None:
    """The audit's seals as revision 0002 (the doors round, issue 23) made them."""
    op.create_table(
        "audit_seal",
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["audit_id"], ["audit.id"]),
        sa.PrimaryKeyConstraint("audit_id"),
    )


def append_only(table: str, key: str, added: tuple[str, ...] = ()) -> None:
    """The triggers that keep `table` append-only; `added`: only those named so (the table
    already had the others)."""
    for statement in append_only_statements(table, key, op.get_bind().dialect.name):
        if not added or any(f" {table}{suffix} " in statement for suffix in added):
            op.execute(statement)


def drop_audit_triggers_added_at_0002() -> None:
    """The audit keeps the triggers it had at 0001."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_no_truncate ON audit")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_no_replace")


def create_credentials() -> None:
    op.create_table(
        "credentials",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("holder", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_credentials_holder"), ["holder"], unique=False)


def drop_credentials() -> None:
    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credentials_holder"))
    op.drop_table("credentials")


def create_inbox() -> None:
    op.create_table(
        "inbox",
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("consumer", sa.String(length=100), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id", "consumer"),
    )


def create_outbox() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("topic", sa.String(length=249), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.LargeBinary(), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def create_keys_seen(name: str, *, key: str, length: int, at: str) -> None:
    """A table of keys seen (shared/tables.py's `keys_seen`): `key` a string of `length`, its
    primary key, and `at` the time it was kept. Notifications' opt-outs (0001), erased
    identifiers and inbound signatures (0002) were made so."""
    op.create_table(
        name,
        sa.Column(key, sa.String(length=length), nullable=False),
        sa.Column(at, sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(key),
    )


def create_page_sessions() -> None:
    """People's sign-ins to a service's staff pages (shared/staff/sessions.py), as routing's
    baseline made its own (issue 29 gives them to scheduling and intake)."""
    op.create_table(
        "page_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("holder", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("credential_hash", sa.String(length=64), nullable=False),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("token_hash"),
    )


def drop_page_sessions() -> None:
    op.drop_table("page_sessions")
