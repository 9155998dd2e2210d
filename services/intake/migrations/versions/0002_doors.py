"""The doors round (issue 23): the audit's seals (and, in routing, its audit), the triggers that
keep both append-only

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.audit_chain import append_only_statements

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_seal",
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["audit_id"],
            ["audit.id"],
        ),
        sa.PrimaryKeyConstraint("audit_id"),
    )
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.create_index("ix_requests_area_community", ["area", "community"], unique=False)
    _append_only("audit_seal", "audit_id")
    _append_only("audit", "id", added=("_no_replace", "_no_truncate"))


def downgrade() -> None:
    _drop_added_triggers()
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_index("ix_requests_area_community")

    op.drop_table("audit_seal")


def _append_only(table: str, key: str, added: tuple[str, ...] = ()) -> None:
    """The triggers that keep `table` append-only; `added`: only those named so (the table
    already had the others)."""
    for statement in append_only_statements(table, key, op.get_bind().dialect.name):
        if not added or any(f" {table}{suffix} " in statement for suffix in added):
            op.execute(statement)


def _drop_added_triggers() -> None:
    """The audit keeps the triggers it had at 0001."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_no_truncate ON audit")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_no_replace")
