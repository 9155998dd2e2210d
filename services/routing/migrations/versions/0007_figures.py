"""The City's figures (issue 29): who logged each request and at which visit (`agent`,
`visit_id`, from request.logged: the operators' workload per visit), and its place's H3
level-7 cell (`h3_cell`: the public heat map), never the point itself for the figures.
Requests routed before this version have none of the three: they are counted in every table
but not in the heat map or the workload."""

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"


def upgrade() -> None:
    op.add_column("routed_requests", sa.Column("agent", sa.String(length=100)))
    op.add_column("routed_requests", sa.Column("visit_id", sa.String(length=40)))
    op.add_column("routed_requests", sa.Column("h3_cell", sa.String(length=16)))


def downgrade() -> None:
    op.drop_column("routed_requests", "h3_cell")
    op.drop_column("routed_requests", "visit_id")
    op.drop_column("routed_requests", "agent")
