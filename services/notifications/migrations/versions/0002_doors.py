"""Notifications' doors round (issue 23): the audit's seals and the triggers that keep the
audit and its seals append-only; erased identifiers; the inbound webhook's seen signatures
"""

import sqlalchemy as sa
from alembic import op

from shared.schema_history import append_only, create_audit_seal, drop_audit_triggers_added_at_0002

revision: str = "0002"
down_revision: str | None = "0001"


def upgrade() -> None:
    op.create_table(
        "erased_identifiers",
        sa.Column("identifier_hash", sa.String(length=64), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("identifier_hash"),
    )
    op.create_table(
        "inbound_signatures",
        sa.Column("signature", sa.String(length=71), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("signature"),
    )
    create_audit_seal()
    append_only("audit_seal", "audit_id")
    append_only("audit", "id", added=("_no_replace", "_no_truncate"))


def downgrade() -> None:
    drop_audit_triggers_added_at_0002()
    op.drop_table("audit_seal")
    op.drop_table("inbound_signatures")
    op.drop_table("erased_identifiers")
