"""Attachments on the work queue (issue 26): what intake says is attached to each request
(never its bytes, which routing reads from the sealed object store), and which photos their
department made public"""

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"


def upgrade() -> None:
    op.create_table(
        "request_attachments",
        sa.Column("attachment_id", sa.String(length=36), nullable=False),
        sa.Column("reference", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("public_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("public_by", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("attachment_id"),
    )
    with op.batch_alter_table("request_attachments", schema=None) as batch_op:
        batch_op.create_index("ix_request_attachments_reference", ["reference"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("request_attachments", schema=None) as batch_op:
        batch_op.drop_index("ix_request_attachments_reference")
    op.drop_table("request_attachments")
