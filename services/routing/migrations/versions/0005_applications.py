"""Applications (issue 27): a routed request keeps its catalogue service and the resident's
answers for the department that decides it (personal: erasure and the details' retention
clear them with the description)."""

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"


# Plain ALTER TABLE, not a batch: SQLite (3.35 and later) adds and drops a column in place.


def upgrade() -> None:
    op.add_column("routed_requests", sa.Column("service", sa.String(length=60), nullable=True))
    op.add_column("routed_requests", sa.Column("answers", sa.JSON(none_as_null=True)))


def downgrade() -> None:
    op.drop_column("routed_requests", "answers")
    op.drop_column("routed_requests", "service")
