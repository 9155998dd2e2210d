"""The work queue's pages (issue 25): indexes for a department's requests in a status by due
time, newest and recently updated, which the pages read fifty at a time with a count"""

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"

INDEXES = {
    "ix_routed_requests_queue_due": ["department", "status", "due_at"],
    "ix_routed_requests_queue_logged": ["department", "status", "logged_at"],
    "ix_routed_requests_queue_updated": ["department", "status", "updated_at"],
}


def upgrade() -> None:
    with op.batch_alter_table("routed_requests", schema=None) as batch_op:
        for name, columns in INDEXES.items():
            batch_op.create_index(name, columns, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("routed_requests", schema=None) as batch_op:
        for name in INDEXES:
            batch_op.drop_index(name)
