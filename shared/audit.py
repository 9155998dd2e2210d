"""Who looked at whose personal information, when and why (POPIA s19: secured against misuse
by staff too). Every read of personal information by a person (a resident's details, but also
their descriptions and exact places in a work queue, the triage list or the requests nearby),
and every privacy request, is a row of the service's `audit` table: the caller's name and
role, the action, what it concerned (a reference, a community, a privacy request's id, or for
a list only how many requests it held) and the reason the caller gave, if the read asks one.
A reason is a short line without phone, ID or account numbers and without e-mail addresses:
the audit is kept forever, so it must not become a second copy of what it protects.
The table is append-only: the store itself refuses an UPDATE, a DELETE, a TRUNCATE or a
rewrite of it (triggers on SQLite and PostgreSQL alike), no retention rule touches it, and
each row is sealed in a hash chain (shared/audit_chain.py) that shows any tampering around
the triggers. Operators list it with `GET /v1/audit`; `mo_<service>_personal_reads_total
{role}` counts the reads and `mo_<service>_personal_rows_read_total{role}` the rows they
returned, by the callers' role (never their names: /metrics is open to anyone), and an alert
fires when a role's callers read far more rows than usual; the audit then says who."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Final

from fastapi import APIRouter, Query, params
from prometheus_client import CollectorRegistry
from pydantic import AfterValidator, AwareDatetime, BaseModel
from sqlalchemy import Column, DateTime, Index, Integer, MetaData, String, Table, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.audit_chain import append_only, define_seal, seal
from shared.auth import Caller
from shared.contracts.common import Line
from shared.metrics import Declare
from shared.pages import PagingDep
from shared.store import Database, as_utc

__all__ = ["Audit", "AuditReason", "AuditRow", "Reason", "audit_routes", "define_audit"]

REASON_MAX: Final = 120
# Five digits in a row, or nine or more split by spaces and punctuation, is a phone, ID or
# account number, not a reason; a date (2030-03-04, eight digits) still is one.
_NUMBER: Final = re.compile(r"\d{5}|\d(?:[\s\-./_()]*\d){8}")


def _no_personal_data(reason: str) -> str:
    reason = reason.strip()
    if "@" in reason or _NUMBER.search(reason):
        raise ValueError(
            "a reason is kept forever: leave out phone, ID and account numbers and e-mail "
            "addresses (e.g. 'the resident asked at the table in Wupperthal')"
        )
    return reason


AuditReason = Annotated[
    Line,  # printable: PostgreSQL refuses a NUL, and no reason needs a control character
    AfterValidator(_no_personal_data),
]
"""Why a person reads residents' information: kept in the audit with their name, forever."""

Reason = Annotated[
    AuditReason,
    Query(
        min_length=5,
        max_length=REASON_MAX,
        description="Why you need to see this (e.g. the resident asked at the table in "
        f"Wupperthal); at most {REASON_MAX} characters, without phone, ID or account numbers "
        "or e-mail addresses. Kept in the audit with your name.",
    ),
]


def define_audit(metadata: MetaData) -> Table:
    """The audit, and beside it its seals (shared/audit_chain.py)."""
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
    append_only(table)
    define_seal(metadata, table)
    return table


class Audit:
    """A service's audit: `record` inside the transaction that reads (or `record_read` just
    after a read, before answering), `rows` for operators."""

    def __init__(self, table: Table, registry: CollectorRegistry, service: str) -> None:
        self.table = table
        self.seals = table.metadata.tables["audit_seal"]
        new = Declare(registry)
        self.reads = new.counter(
            f"mo_{service}_personal_reads_total",
            "Reads of residents' personal information by people, by the caller's role.",
            ["role"],
        )
        self.rows_read = new.counter(
            f"mo_{service}_personal_rows_read_total",
            "Rows of residents' personal information (details, descriptions, exact places) "
            "returned to people, by the caller's role.",
            ["role"],
        )

    async def record(
        self,
        conn: AsyncConnection,
        caller: Caller,
        action: str,
        subject: str,
        reason: str,
        at: dt.datetime,
        rows: int = 1,
    ) -> None:
        """One audit row, sealed; `rows` is how many rows of residents' information the read
        returned (0 for a privacy request, which reads nothing yet)."""
        row = {
            "at": at,
            "caller": caller.name,
            "role": caller.role.value,
            "action": action,
            "subject": subject,
            "reason": reason.strip(),
        }
        made = await conn.execute(insert(self.table).values(**row).returning(self.table.c.id))
        await seal(conn, self.seals, {**row, "id": made.scalar_one()}, rows)
        self.reads.labels(caller.role.value).inc()
        self.rows_read.labels(caller.role.value).inc(rows)

    async def record_read(
        self,
        db: Database,
        caller: Caller,
        action: str,
        rows: int,
        at: dt.datetime,
        subject: str | None = None,
    ) -> None:
        """A routine read that asks no reason (a work queue, the triage list, requests nearby,
        one request's page), recorded before the answer leaves: its subject is a reference
        or only how many requests a list held, never a filter typed by hand."""
        async with db.transaction() as conn:
            about = subject or f"{rows} requests"
            await self.record(conn, caller, action, about, "", at, rows)

    async def rows(
        self, conn: AsyncConnection, caller: str | None = None, subject: str | None = None
    ) -> list[dict[str, Any]]:
        """Newest first, optionally one caller's or about one subject."""
        seals = self.seals
        query = (
            select(self.table, seals.c.rows)
            .outerjoin(seals, seals.c.audit_id == self.table.c.id)
            .order_by(self.table.c.id.desc())
        )
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
    rows: int | None  # None: written before the audit was sealed


def audit_routes(audit: Audit, db: Database, operators: params.Depends) -> APIRouter:
    """`GET /v1/audit` for operators: the audit, newest first, one caller's or one subject's."""
    router = APIRouter(prefix="/v1")

    @router.get("/audit", response_model=list[AuditRow], dependencies=[operators])
    async def audit_list(
        paging: PagingDep,
        caller: Annotated[Line | None, Query(max_length=100)] = None,
        subject: Annotated[Line | None, Query(max_length=100)] = None,
    ) -> list[AuditRow]:
        async with db.reading() as conn:
            found = await audit.rows(conn, caller, subject)
        rows = [AuditRow(**{**row, "at": as_utc(row["at"])}) for row in found]
        return paging.of(rows, key=lambda r: [-r.id])  # newest first

    return router
