"""Scheduling's schema as its stores were made before migrations (the commits before issue
24): communities, plans, teams, visits, followed requests, and the shared credentials,
inbox and outbox.
"""

import sqlalchemy as sa
from alembic import op

from shared.schema_history import create_baseline_shared_tables, drop_baseline_shared_tables

revision: str = "0001"
down_revision: str | None = None


def upgrade() -> None:
    create_baseline_shared_tables(audit=False)
    op.create_table(
        "communities",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("area", sa.String(length=10), nullable=False),
        sa.Column("venue", sa.String(length=120), nullable=False),
        sa.Column("starts", sa.Time(), nullable=False),
        sa.Column("ends", sa.Time(), nullable=False),
        sa.Column("last_visited", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("name"),
        sa.UniqueConstraint("key"),
    )
    op.create_table(
        "followed_requests",
        sa.Column("reference", sa.String(length=10), nullable=False),
        sa.Column("community_key", sa.String(length=100), nullable=True),
        sa.Column("open", sa.Boolean(), nullable=False),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("reference"),
    )
    op.create_table(
        "plans",
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("month"),
    )
    op.create_table(
        "teams",
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "visits",
        sa.Column("id", sa.String(length=140), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("team", sa.String(length=60), nullable=False),
        sa.Column("community", sa.String(length=100), nullable=False),
        sa.Column("area", sa.String(length=10), nullable=False),
        sa.Column("venue", sa.String(length=120), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.create_index("ix_visits_date", ["date"], unique=False)
        batch_op.create_index(
            "uq_visits_team_day",
            ["team", "date"],
            unique=True,
            postgresql_where=sa.text("status = 'scheduled'"),
            sqlite_where=sa.text("status = 'scheduled'"),
        )


def downgrade() -> None:
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_visits_team_day",
            postgresql_where=sa.text("status = 'scheduled'"),
            sqlite_where=sa.text("status = 'scheduled'"),
        )
        batch_op.drop_index("ix_visits_date")

    op.drop_table("visits")
    op.drop_table("teams")
    op.drop_table("plans")
    op.drop_table("followed_requests")
    op.drop_table("communities")
    drop_baseline_shared_tables(audit=False)
