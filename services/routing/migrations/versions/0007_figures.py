"""The City's figures (issue 29): who logged each request and at which visit (`agent`,
`visit_id`, from request.logged: the operators' workload per visit), and its place's H3
level-7 cell (`h3_cell`: the public heat map), so the figures never read the point itself.
Requests routed before this version get their cell from the point routing already keeps (in
`location`); who logged them and where is not known, so they are left out of the workload."""

import h3
import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"

BATCH = 1000

_requests = sa.table(
    "routed_requests",
    sa.column("reference", sa.String),
    sa.column("location", sa.JSON),
    sa.column("h3_cell", sa.String),
)


def upgrade() -> None:
    op.add_column("routed_requests", sa.Column("agent", sa.String(length=100)))
    op.add_column("routed_requests", sa.Column("visit_id", sa.String(length=40)))
    op.add_column("routed_requests", sa.Column("h3_cell", sa.String(length=16)))
    conn = op.get_bind()
    after = ""
    while True:  # a batch at a time, by reference: a large store is never read at once
        rows = conn.execute(
            sa.select(_requests.c.reference, _requests.c.location)
            .where(_requests.c.reference > after)
            .order_by(_requests.c.reference)
            .limit(BATCH)
        ).all()
        cells = [
            {"ref": reference, "cell": h3.latlng_to_cell(place["lat"], place["lon"], 7)}
            for reference, place in rows
            if isinstance(place, dict)
            and isinstance(place.get("lat"), (int, float))
            and isinstance(place.get("lon"), (int, float))
        ]
        if cells:
            conn.execute(
                _requests.update()
                .where(_requests.c.reference == sa.bindparam("ref"))
                .values(h3_cell=sa.bindparam("cell")),
                cells,
            )
        if len(rows) < BATCH:
            break
        after = rows[-1][0]


def downgrade() -> None:
    op.drop_column("routed_requests", "h3_cell")
    op.drop_column("routed_requests", "visit_id")
    op.drop_column("routed_requests", "agent")
