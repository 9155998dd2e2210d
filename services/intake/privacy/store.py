"""Intake's record of residents' privacy requests (POPIA s23, s24): what an operator asked and
each service's answer, and intake's own part of an answer. The resident's phone number or
e-mail address is kept only as a keyed hash (shared/identifiers.py; to find an earlier
request for the same person), never in clear: the identifier travels once, in the event on
`mo.privacy.requests`, and leaves intake's outbox once sent."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, String, Table, func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.intake.store import RESIDENT_DETAILS, metadata, requests
from shared.identifiers import IdentifierKey
from shared.retention import deidentify
from shared.store import find_row, from_row, upsert_insert

__all__ = [
    "Asked",
    "add_answer",
    "add_request",
    "answers_of",
    "count_requests",
    "erase_details",
    "identifier_hash",
    "request_of",
]

privacy_requests = Table(
    "privacy_requests",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("kind", String(12), nullable=False),
    Column("identifier_hash", String(64), nullable=False, index=True),
    Column("reason", String(200), nullable=False),
    Column("asked_by", String(100), nullable=False),
    Column("asked_at", DateTime(timezone=True), nullable=False),
)

privacy_answers = Table(
    "privacy_answers",
    metadata,
    Column("request_id", String(36), primary_key=True),
    Column("service", String(20), primary_key=True),
    Column("answer", JSON, nullable=False),
    Column("answered_at", DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True, slots=True)
class Asked:
    """A privacy request as recorded (without the resident's identifier)."""

    id: str
    kind: str
    reason: str
    asked_by: str
    asked_at: datetime


def identifier_hash(key: IdentifierKey, identifier: str) -> str:
    """Requests hashed before the key hold a plain SHA-256 (nothing reads them by hash)."""
    return key.hash("privacy", identifier.lower())


async def add_request(conn: AsyncConnection, asked: Asked, identifier_hash: str) -> None:
    await conn.execute(
        insert(privacy_requests).values(**asdict(asked), identifier_hash=identifier_hash)
    )


async def request_of(conn: AsyncConnection, request_id: str) -> Asked | None:
    row = await find_row(conn, privacy_requests, id=request_id)
    if row is None:
        return None
    return from_row(Asked, row)


async def add_answer(
    conn: AsyncConnection, request_id: str, service: str, answer: dict[str, Any], at: datetime
) -> None:
    """Once per service: a redelivered answer changes nothing."""
    row = {"request_id": request_id, "service": service, "answer": answer, "answered_at": at}
    await conn.execute(upsert_insert(conn, privacy_answers).values(**row).on_conflict_do_nothing())


async def answers_of(conn: AsyncConnection, request_id: str) -> dict[str, dict[str, Any]]:
    query = select(privacy_answers).where(privacy_answers.c.request_id == request_id)
    return {row.service: row.answer for row in await conn.execute(query)}


async def count_requests(conn: AsyncConnection, references: Sequence[str]) -> int:
    query = select(func.count()).where(requests.c.reference.in_(references))
    return int((await conn.execute(query)).scalar_one())


async def erase_details(conn: AsyncConnection, references: Sequence[str]) -> int:
    """The requests' descriptions and exact places removed (shared/retention.py)."""
    return await deidentify(conn, RESIDENT_DETAILS, references)
