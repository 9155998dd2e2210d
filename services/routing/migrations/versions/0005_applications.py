"""Applications (issue 27): a routed request keeps its catalogue service and the resident's
answers for the department that decides it (personal: erasure and the details' retention
clear them with the description)."""

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"


def upgrade() -> None:
    with op.batch_alter_table("routed_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("service", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("answers", sa.JSON(none_as_null=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("routed_requests", schema=None) as batch_op:
        batch_op.drop_column("answers")
        batch_op.drop_column("service")
