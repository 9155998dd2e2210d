"""Residents' own doors (issue 28): what SMS commands and the USSD menu answer from (each
request's public facts), the language a number last used, the answers a number got each day,
and the USSD sessions (numbers and sessions as keyed hashes only)."""

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"


def upgrade() -> None:
    op.create_table(
        "request_facts",
        sa.Column("reference", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("department", sa.String(length=60), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("area", sa.String(length=10), nullable=True),
        sa.Column("community", sa.String(length=100), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("reference"),
    )
    op.create_table(
        "number_languages",
        sa.Column("phone_hash", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("phone_hash"),
    )
    op.create_table(
        "answer_counts",
        sa.Column("phone_hash", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("phone_hash", "day", name="pk_answer_counts"),
    )
    op.create_table(
        "ussd_sessions",
        sa.Column("session_hash", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=120), nullable=False),
        sa.Column("seen", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("session_hash"),
    )


def downgrade() -> None:
    op.drop_table("ussd_sessions")
    op.drop_table("answer_counts")
    op.drop_table("number_languages")
    op.drop_table("request_facts")
