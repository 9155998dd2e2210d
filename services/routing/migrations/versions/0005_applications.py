"""Applications (issue 27): a routed request keeps its catalogue service and the resident's
answers for the department that decides it (personal: erasure and the details' retention
clear them with the description), and its verdict: what is missing, why it was declined and
until when it may be appealed, until when an approval holds. Statuses take up to 30
characters (`more_information_needed` is 23)."""

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"


# Plain ALTER TABLE, not a batch: SQLite (3.35 and later) adds and drops a column in place.


def upgrade() -> None:
    op.add_column("routed_requests", sa.Column("service", sa.String(length=60), nullable=True))
    op.add_column("routed_requests", sa.Column("answers", sa.JSON(none_as_null=True)))
    op.add_column("routed_requests", sa.Column("papers", sa.JSON(none_as_null=True)))
    op.add_column("routed_requests", sa.Column("missing", sa.JSON(none_as_null=True)))
    op.add_column("request_attachments", sa.Column("document", sa.String(length=60)))
    _status_of("routed_requests", "status_history", length=30)
    op.add_column("routed_requests", sa.Column("decline_reason", sa.String(length=60)))
    op.add_column("routed_requests", sa.Column("appeal_by", sa.Date()))
    op.add_column("routed_requests", sa.Column("valid_until", sa.Date()))


def downgrade() -> None:
    _status_of("routed_requests", "status_history", length=20)
    op.drop_column("request_attachments", "document")
    for column in ("valid_until", "appeal_by", "decline_reason", "missing", "papers"):
        op.drop_column("routed_requests", column)
    op.drop_column("routed_requests", "answers")
    op.drop_column("routed_requests", "service")


def _status_of(*tables: str, length: int) -> None:
    """On PostgreSQL: SQLite keeps no length of a text column."""
    if op.get_context().dialect.name == "sqlite":
        return
    for table in tables:
        op.alter_column(table, "status", type_=sa.String(length=length), existing_nullable=False)
