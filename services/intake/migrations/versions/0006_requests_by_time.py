"""Open311's pages (issue 30): requests are read newest first within a period, so the period's
requests are found through an index on when they were logged rather than by reading them all
(`requests.json?page_size=1000` on a year of 50,000 requests)."""

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"


def upgrade() -> None:
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.create_index("ix_requests_created_at", ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_index("ix_requests_created_at")
