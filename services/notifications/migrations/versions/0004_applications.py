"""Applications (issue 27): the visits announced, so a resident asked for papers hears where
and when to bring them, and each contact's community (public, as the open-data file has it)."""

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"


def upgrade() -> None:
    op.create_table(
        "visits",
        sa.Column("visit_id", sa.String(length=64), nullable=False),
        sa.Column("community_key", sa.String(length=100), nullable=False),
        sa.Column("community", sa.String(length=100), nullable=False),
        sa.Column("venue", sa.String(length=200), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("starts", sa.Time(), nullable=False),
        sa.Column("ends", sa.Time(), nullable=False),
        sa.PrimaryKeyConstraint("visit_id"),
    )
    op.create_index("ix_visits_community", "visits", ["community_key", "date"])
    # In place (SQLite 3.35+ too): a batch would copy `contacts` under what refers to it.
    op.add_column("contacts", sa.Column("community", sa.String(length=100), nullable=True))


def downgrade() -> None:
    op.drop_column("contacts", "community")
    op.drop_index("ix_visits_community", table_name="visits")
    op.drop_table("visits")
