"""Routing's doors round (issue 23): its audit, with its seals, both append-only"""

from alembic import op

from shared.schema_history import append_only, create_audit, create_audit_seal, drop_audit

revision: str = "0002"
down_revision: str | None = "0001"


def upgrade() -> None:
    create_audit(refusing_changes=False)
    create_audit_seal()
    append_only("audit", "id")
    append_only("audit_seal", "audit_id")


def downgrade() -> None:
    op.drop_table("audit_seal")
    drop_audit()
