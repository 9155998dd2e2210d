"""Who looked at whose personal information, when and why (POPIA s19: secured against misuse
by staff too). Every read of personal information by a person, and every privacy request, is
a row of the service's `audit` table: the caller's name and role, the action, what it
concerned (a reference, a community, a privacy request's id) and the reason the caller gave.
The table is append-only: the store itself refuses an UPDATE or DELETE of it (a trigger on
SQLite and PostgreSQL alike), and no retention rule touches it. Operators list it with
`GET /v1/audit`; `mo_<service>_personal_reads_total{role}` counts the reads by the callers'
role (never their names: /metrics is open to anyone), and an alert fires when a team reads far
more than usual; the audit then says who."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Final

from fastapi import APIRouter, Query, Request, Response, params
from prometheus_client import CollectorRegistry, Counter
from pydantic import AwareDatetime, BaseModel
from sqlalchemy import (
    DDL,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    event,
    insert,
    select,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.auth import Caller
from shared.contracts.common import Line
from shared.pages import DEFAULT, Cursor, Limit, paged
from shared.store import Database, as_utc

__all__ = ["Audit", "AuditRow", "Reason", "audit_routes", "define_audit"]

Reason = Annotated[
    Line,  # printable: PostgreSQL refuses a NUL, and no reason needs a control character
    Query(
        min_length=5,
        max_length=200,
        description="Why you need to see this (e.g. the resident asked at the table on "
        "2030-03-04); kept in the audit with your name.",
    ),
]

_REFUSE: Final = "the audit is append-only"


def define_audit(metadata: MetaData) -> Table:
    table = Table(
        "audit",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("at", DateTime(timezone=True), nullable=False),
        Column("caller", String(100), nullable=False),
        Column("role", String(20), nullable=False),
        Column("action", String(60), nullable=False),
        Column("subject", String(100), nullable=False),
        Column("reason", String(200), nullable=False),
        Index("ix_audit_caller_at", "caller", "at"),
    )
    for when in ("UPDATE", "DELETE"):
        name = f"audit_no_{when.lower()}"
        refuse = f"SELECT RAISE(ABORT, '{_REFUSE}')"
        sqlite = _ddl(f"CREATE TRIGGER {name} BEFORE {when} ON audit BEGIN {refuse}; END")
        event.listen(table, "after_create", sqlite.execute_if(dialect="sqlite"))
    # asyncpg prepares each statement: the function and the trigger go one at a time.
    for statement in (
        "CREATE OR REPLACE FUNCTION audit_refuse() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN RAISE EXCEPTION '{_REFUSE}'; END $$",
        "CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit "
        "FOR EACH ROW EXECUTE FUNCTION audit_refuse()",
    ):
        event.listen(table, "after_create", _ddl(statement).execute_if(dialect="postgresql"))
    return table


def _ddl(statement: str) -> DDL:
    return DDL(statement)  # type: ignore[no-untyped-call]  # SQLAlchemy leaves DDL untyped


class Audit:
    """A service's audit: `record` inside the transaction that reads, `rows` for operators."""

    def __init__(self, table: Table, registry: CollectorRegistry, service: str) -> None:
        self.table = table
        self.reads = Counter(
            f"mo_{service}_personal_reads_total",
            "Reads of residents' personal information by people, by the caller's role.",
            ["role"],
            registry=registry,
        )

    async def record(
        self,
        conn: AsyncConnection,
        caller: Caller,
        action: str,
        subject: str,
        reason: str,
        at: dt.datetime,
    ) -> None:
        await conn.execute(
            insert(self.table).values(
                at=at,
                caller=caller.name,
                role=caller.role.value,
                action=action,
                subject=subject,
                reason=reason.strip(),
            )
        )
        self.reads.labels(caller.role.value).inc()

    async def rows(
        self, conn: AsyncConnection, caller: str | None = None, subject: str | None = None
    ) -> list[dict[str, Any]]:
        """Newest first, optionally one caller's or about one subject."""
        query = select(self.table).order_by(self.table.c.id.desc())
        if caller is not None:
            query = query.where(self.table.c.caller == caller)
        if subject is not None:
            query = query.where(self.table.c.subject == subject)
        return [dict(row._mapping) for row in await conn.execute(query)]


class AuditRow(BaseModel):
    id: int
    at: AwareDatetime
    caller: str
    role: str
    action: str
    subject: str
    reason: str


def audit_routes(audit: Audit, db: Database, operators: params.Depends) -> APIRouter:
    """`GET /v1/audit` for operators: the audit, newest first, one caller's or one subject's."""
    router = APIRouter(prefix="/v1")

    @router.get("/audit", response_model=list[AuditRow], dependencies=[operators])
    async def audit_list(
        request: Request,
        response: Response,
        caller: Annotated[str | None, Query(max_length=100)] = None,
        subject: Annotated[str | None, Query(max_length=100)] = None,
        limit: Limit = DEFAULT,
        cursor: Cursor = None,
    ) -> list[AuditRow]:
        async with db.reading() as conn:
            found = await audit.rows(conn, caller, subject)
        rows = [AuditRow(**{**row, "at": as_utc(row["at"])}) for row in found]
        return paged(request, response, rows, limit, cursor, key=lambda r: [-r.id])  # newest first

    return router
