"""Intake's schema as its stores were made before migrations (the commits before issue 24):
requests and their history, devices and their leases, visits, privacy requests, and the
shared audit, credentials, inbox and outbox.
"""

import sqlalchemy as sa
from alembic import op

from shared.schema_history import create_baseline_shared_tables, drop_baseline_shared_tables

revision: str = "0001"
down_revision: str | None = None


def upgrade() -> None:
    create_baseline_shared_tables(audit=True)
    op.create_table(
        "devices",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("agent", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_devices_agent"), ["agent"], unique=False)

    op.create_table(
        "pairing_codes",
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("agent", sa.String(length=100), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("code_hash"),
    )
    op.create_table(
        "privacy_answers",
        sa.Column("request_id", sa.String(length=36), nullable=False),
        sa.Column("service", sa.String(length=20), nullable=False),
        sa.Column("answer", sa.JSON(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("request_id", "service"),
    )
    op.create_table(
        "privacy_requests",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("identifier_hash", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("asked_by", sa.String(length=100), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("privacy_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_privacy_requests_identifier_hash"), ["identifier_hash"], unique=False
        )

    op.create_table(
        "reference_leases",
        sa.Column("reference", sa.String(length=10), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("leased_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("body_sha256", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("reference"),
    )
    with op.batch_alter_table("reference_leases", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reference_leases_device_id"), ["device_id"], unique=False
        )

    op.create_table(
        "requests",
        sa.Column("reference", sa.String(length=10), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("area", sa.String(length=10), nullable=False),
        sa.Column("community", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("visit_id", sa.String(length=64), nullable=True),
        sa.Column("agent", sa.String(length=100), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("privacy_notice_version", sa.String(length=20), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("department", sa.String(length=60), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("reference"),
    )
    op.create_table(
        "visits",
        sa.Column("id", sa.String(length=140), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("area", sa.String(length=10), nullable=False),
        sa.Column("community", sa.String(length=100), nullable=False),
        sa.Column("venue", sa.String(length=120), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("agent", sa.String(length=100), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("body_sha256", sa.String(length=64), nullable=False),
        sa.Column("reference", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["reference"],
            ["requests.reference"],
        ),
        sa.PrimaryKeyConstraint("agent", "key"),
    )
    op.create_table(
        "request_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("cause", sa.String(length=20), nullable=True),
        sa.Column("cause_detail", sa.Text(), nullable=True),
        sa.Column("duplicate_of", sa.String(length=10), nullable=True),
        sa.ForeignKeyConstraint(
            ["reference"],
            ["requests.reference"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("request_history", schema=None) as batch_op:
        batch_op.create_index("ix_request_history_reference", ["reference"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("request_history", schema=None) as batch_op:
        batch_op.drop_index("ix_request_history_reference")

    op.drop_table("request_history")
    op.drop_table("idempotency_keys")
    op.drop_table("visits")
    op.drop_table("requests")
    with op.batch_alter_table("reference_leases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reference_leases_device_id"))

    op.drop_table("reference_leases")
    with op.batch_alter_table("privacy_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_privacy_requests_identifier_hash"))

    op.drop_table("privacy_requests")
    op.drop_table("privacy_answers")
    op.drop_table("pairing_codes")
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_devices_agent"))

    op.drop_table("devices")
    drop_baseline_shared_tables(audit=True)
