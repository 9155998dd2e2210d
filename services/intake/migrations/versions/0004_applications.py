"""Applications (issue 27): a request logged for a catalogue service keeps the service's code
(fault reports have none). Its answers are personal and travel to routing in request.logged,
as the resident's contact details do: intake does not keep them. Statuses take up to 30
characters (`more_information_needed` is 23)."""

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"


# Plain ALTER TABLE, not a batch: SQLite (3.35 and later) adds and drops a column in place,
# where a batch would copy `requests` and drop it under the tables that refer to it.


def upgrade() -> None:
    op.add_column("requests", sa.Column("service", sa.String(length=60), nullable=True))
    _status_of("requests", "request_history", length=30)


def downgrade() -> None:
    _status_of("requests", "request_history", length=20)
    op.drop_column("requests", "service")


def _status_of(*tables: str, length: int) -> None:
    """On PostgreSQL: SQLite keeps no length of a text column (and would rebuild `requests`
    under the tables that refer to it)."""
    if op.get_context().dialect.name == "sqlite":
        return
    for table in tables:
        op.alter_column(table, "status", type_=sa.String(length=length), existing_nullable=False)
