"""Staff sign-in (issue 29): operators sign in to the plan's pages at /plan/ with their credential
and hold a session, kept here as routing keeps the work queue's (shared/staff/sessions.py)."""

from shared.schema_history import create_page_sessions, drop_page_sessions

revision: str = "0002"
down_revision: str | None = "0001"


def upgrade() -> None:
    create_page_sessions()


def downgrade() -> None:
    drop_page_sessions()
