"""A delivery's facts (what its message says, issue 24): the `params` column is named `facts`,
as the code names them (MessageFacts)
"""

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"


def upgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.alter_column("params", new_column_name="facts")


def downgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.alter_column("facts", new_column_name="params")
