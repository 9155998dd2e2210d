"""Residents' own doors (issue 28): when a resident confirmed by SMS that a resolved request
was fixed (`fixed_confirmed_at`), and the channel each request came by (`channel`: visit,
field-app or open311, from request.logged). Requests routed before this version were logged
by producers that did not say: their channel is `unknown` (intake keeps how each came, so the
numbers of earlier months stay as they were)."""

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"


# Plain ALTER TABLE, not a batch: SQLite (3.35 and later) adds and drops a column in place.


def upgrade() -> None:
    op.add_column("routed_requests", sa.Column("fixed_confirmed_at", sa.DateTime(timezone=True)))
    op.add_column("routed_requests", sa.Column("channel", sa.String(length=20)))
    op.execute("UPDATE routed_requests SET channel = 'unknown' WHERE channel IS NULL")


def downgrade() -> None:
    op.drop_column("routed_requests", "channel")
    op.drop_column("routed_requests", "fixed_confirmed_at")
