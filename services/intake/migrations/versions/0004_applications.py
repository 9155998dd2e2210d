"""Applications (issue 27): a request logged for a catalogue service keeps the service's code
(fault reports have none). Its answers are personal and travel to routing in request.logged,
as the resident's contact details do: intake does not keep them."""

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"


def upgrade() -> None:
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("service", sa.String(length=60), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_column("service")
