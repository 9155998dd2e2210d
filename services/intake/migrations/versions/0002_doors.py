"""Intake's doors round (issue 23): the audit's seals, the triggers that keep the audit and
its seals append-only, and the index the nearby search reads requests by
"""

from alembic import op

from shared.schema_history import append_only, create_audit_seal, drop_audit_triggers_added_at_0002

revision: str = "0002"
down_revision: str | None = "0001"


def upgrade() -> None:
    create_audit_seal()
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.create_index("ix_requests_area_community", ["area", "community"], unique=False)
    append_only("audit_seal", "audit_id")
    append_only("audit", "id", added=("_no_replace", "_no_truncate"))


def downgrade() -> None:
    drop_audit_triggers_added_at_0002()
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_index("ix_requests_area_community")

    op.drop_table("audit_seal")
