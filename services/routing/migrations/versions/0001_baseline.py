"""Routing's schema as its stores were made before migrations (the commits before issue 24):
routed requests, rules and their changes, the status history, page sessions, digests, and
the shared credentials, inbox and outbox.
"""

import sqlalchemy as sa
from alembic import op

from shared.schema_history import create_baseline_shared_tables, drop_baseline_shared_tables

revision: str = "0001"
down_revision: str | None = None


def upgrade() -> None:
    create_baseline_shared_tables(audit=False)
    op.create_table(
        "joined_residents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=10), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("joined_residents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_joined_residents_reference"), ["reference"], unique=False
        )

    op.create_table(
        "overdue_digests",
        sa.Column("department", sa.String(length=60), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("department", "day"),
    )
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
    op.create_table(
        "routed_requests",
        sa.Column("reference", sa.String(length=10), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("area", sa.String(length=10), nullable=False),
        sa.Column("community", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("location", sa.JSON(), nullable=False),
        sa.Column("resident_contactable", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("department", sa.String(length=60), nullable=True),
        sa.Column("priority", sa.String(length=10), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("overdue_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rule_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("cause", sa.String(length=20), nullable=True),
        sa.Column("cause_detail", sa.Text(), nullable=True),
        sa.Column("duplicate_of", sa.String(length=10), nullable=True),
        sa.Column("reopened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("logged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("reference"),
    )
    with op.batch_alter_table("routed_requests", schema=None) as batch_op:
        batch_op.create_index("ix_routed_requests_status", ["status"], unique=False)

    op.create_table(
        "rule_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("changed_by", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rule", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("area", sa.String(length=10), nullable=True),
        sa.Column("community", sa.String(length=100), nullable=True),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("department", sa.String(length=60), nullable=True),
        sa.Column("refer_note", sa.Text(), nullable=True),
        sa.Column("priority", sa.String(length=10), nullable=False),
        sa.Column("target_hours", sa.Integer(), nullable=False),
        sa.Column("escalate_after_hours", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "status_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(length=100), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("status_history", schema=None) as batch_op:
        batch_op.create_index("ix_status_history_reference", ["reference"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("status_history", schema=None) as batch_op:
        batch_op.drop_index("ix_status_history_reference")

    op.drop_table("status_history")
    op.drop_table("rules")
    op.drop_table("rule_changes")
    with op.batch_alter_table("routed_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_routed_requests_status")

    op.drop_table("routed_requests")
    op.drop_table("page_sessions")
    op.drop_table("overdue_digests")
    with op.batch_alter_table("joined_residents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_joined_residents_reference"))

    op.drop_table("joined_residents")
    drop_baseline_shared_tables(audit=False)
