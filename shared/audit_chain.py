"""The audit's seals: a hash chain that makes tampering evident. Each audit row gets a seal in
`audit_seal` holding how many rows of residents' information the read returned and a digest
of the row's own fields together with the digest of the row before it. Rewriting a row (an
`INSERT OR REPLACE` on SQLite), removing one, or emptying the table after dropping the
append-only triggers leaves a digest that no longer follows: `verify` finds it, and
`python -m shared.audit_chain DATABASE_URL` says which rows, exiting 1.

What a chain cannot show alone is the newest rows rewritten together with all their seals
from the point of change on: `verify` prints the head digest, for operators to note down
elsewhere (a ticket, the monitoring system) and compare on the next run."""

from __future__ import annotations

import asyncio
import hashlib
import json
import sys
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import (
    DDL,
    Column,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    event,
    insert,
    select,
    text,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.store import Database, as_utc

__all__ = [
    "GENESIS",
    "Verdict",
    "append_only",
    "append_only_statements",
    "define_seal",
    "seal",
    "verify",
]

GENESIS: Final = "0" * 64
"""The digest before the first row."""
_REFUSE: Final = "the audit is append-only"
_CHAIN_LOCK: Final = 0x4D4F_4155  # PostgreSQL: one writer extends the chain at a time


def define_seal(metadata: MetaData, audit: Table) -> Table:
    table = Table(
        "audit_seal",
        metadata,
        Column("audit_id", Integer, ForeignKey(audit.c.id), primary_key=True),
        Column("rows", Integer, nullable=False),
        Column("digest", String(64), nullable=False),
    )
    append_only(table)
    return table


def append_only(table: Table) -> None:
    """The store refuses an UPDATE, a DELETE, a TRUNCATE (PostgreSQL) and a rewrite by
    `INSERT OR REPLACE` (SQLite) of `table`, whoever connects."""
    key = next(iter(table.primary_key.columns)).name
    for dialect in ("sqlite", "postgresql"):
        for statement in append_only_statements(table.name, key, dialect):
            ddl = DDL(statement)  # type: ignore[no-untyped-call]  # SQLAlchemy leaves DDL untyped
            event.listen(table, "after_create", ddl.execute_if(dialect=dialect))


def append_only_statements(name: str, key: str, dialect: str) -> list[str]:
    """The triggers (and PostgreSQL's function) that keep table `name` append-only; the
    migrations run them for tables they create or alter. Names come from the tables'
    definitions, never from input."""
    if dialect == "postgresql":  # asyncpg prepares each statement: one at a time
        return [
            "CREATE OR REPLACE FUNCTION audit_refuse() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{_REFUSE}'; END $$",
            f"CREATE TRIGGER {name}_append_only BEFORE UPDATE OR DELETE ON {name} "
            "FOR EACH ROW EXECUTE FUNCTION audit_refuse()",
            f"CREATE TRIGGER {name}_no_truncate BEFORE TRUNCATE ON {name} "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse()",
        ]
    refuse = f"SELECT RAISE(ABORT, '{_REFUSE}')"
    return [
        *(
            f"CREATE TRIGGER {name}_no_{when.lower()} BEFORE {when} ON {name} BEGIN {refuse}; END"
            for when in ("UPDATE", "DELETE")
        ),
        f"CREATE TRIGGER {name}_no_replace BEFORE INSERT ON {name} "  # noqa: S608
        f"WHEN EXISTS (SELECT 1 FROM {name} WHERE {key} = NEW.{key}) BEGIN {refuse}; END",
    ]


def digest(previous: str, row: dict[str, Any], rows: int) -> str:
    """SHA-256 of the previous digest and this row's fields, in a fixed order."""
    fields = [
        previous,
        row["id"],
        as_utc(row["at"]).isoformat(),
        row["caller"],
        row["role"],
        row["action"],
        row["subject"],
        row["reason"],
        rows,
    ]
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode()).hexdigest()


async def seal(conn: AsyncConnection, seals: Table, row: dict[str, Any], rows: int) -> None:
    """Seals a just-written audit row, in its transaction, after the newest seal."""
    if conn.dialect.name == "postgresql":  # SQLite's writers already queue (shared/store.py)
        await conn.execute(text(f"SELECT pg_advisory_xact_lock({_CHAIN_LOCK})"))
    newest = select(seals.c.digest).order_by(seals.c.audit_id.desc()).limit(1)
    previous = (await conn.execute(newest)).scalar() or GENESIS
    await conn.execute(
        insert(seals).values(audit_id=row["id"], rows=rows, digest=digest(previous, row, rows))
    )


@dataclass(frozen=True, slots=True)
class Verdict:
    rows: int
    head: str
    """The newest digest: note it down elsewhere to catch a rewritten tail next time."""
    problems: list[str]


async def verify(conn: AsyncConnection, audit: Table, seals: Table) -> Verdict:
    """Walks the chain oldest first: every row sealed, every seal's row present, every digest
    following from the one before it and the row's own fields."""
    rows = {r.id: dict(r._mapping) for r in await conn.execute(select(audit))}
    found = {s.audit_id: s for s in await conn.execute(select(seals))}
    problems, previous = [], GENESIS
    for number in sorted(rows.keys() | found.keys()):
        row, stamp = rows.get(number), found.get(number)
        if row is None:
            problems.append(f"row {number} was removed (its seal remains)")
        elif stamp is None:
            problems.append(f"row {number} has no seal (added around the service, or unsealed)")
        elif digest(previous, row, stamp.rows) != stamp.digest:
            problems.append(
                f"row {number} does not match its seal: it, or a row before it, "
                "was rewritten or removed"
            )
        if stamp is not None:
            previous = stamp.digest
    return Verdict(len(rows), previous, problems)


async def _verify_store(url: str) -> int:
    from shared.audit import define_audit  # the tables' one definition

    metadata = MetaData()
    audit = define_audit(metadata)
    seals = metadata.tables["audit_seal"]
    db = Database(url)
    try:
        async with db.reading() as conn:
            verdict = await verify(conn, audit, seals)
    finally:
        await db.dispose()
    for problem in verdict.problems:
        print(problem)
    print(f"{verdict.rows} audit rows, {len(verdict.problems)} problems, head {verdict.head}")
    return 1 if verdict.problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m shared.audit_chain DATABASE_URL")
    sys.exit(asyncio.run(_verify_store(sys.argv[1])))
