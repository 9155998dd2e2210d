"""Notifications' doors round (issue 23): the audit's seals and the triggers that keep the
audit and its seals append-only; erased identifiers; the inbound webhook's seen signatures
"""

from alembic import op

from shared.schema_history import (
    append_only,
    create_audit_seal,
    create_keys_seen,
    drop_audit_triggers_added_at_0002,
)

revision: str = "0002"
down_revision: str | None = "0001"


def upgrade() -> None:
    create_keys_seen("erased_identifiers", key="identifier_hash", length=64, at="erased_at")
    create_keys_seen("inbound_signatures", key="signature", length=71, at="seen_at")
    create_audit_seal()
    append_only("audit_seal", "audit_id")
    append_only("audit", "id", added=("_no_replace", "_no_truncate"))


def downgrade() -> None:
    drop_audit_triggers_added_at_0002()
    op.drop_table("audit_seal")
    op.drop_table("inbound_signatures")
    op.drop_table("erased_identifiers")
