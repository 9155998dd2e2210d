"""What the answers are made of: each request's public facts as the bus tells them, the
language a number last used, and the answers each number got a day (numbers as keyed hashes
only)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.notifications.answers.domain import RequestFacts
from services.notifications.store import answer_counts, number_languages, request_facts, visits
from shared.contracts.common import Language, RequestStatus
from shared.identifiers import IdentifierKey
from shared.store import as_utc, find_row, upsert_insert

__all__ = [
    "facts_for",
    "language_of",
    "note_fact",
    "note_language",
    "take_answer",
    "visited_communities",
]

NUMBER = "answers-number"
"""The purpose of a number's keyed hash here (its language, its answers)."""


async def note_fact(
    conn: AsyncConnection,
    reference: str,
    at: dt.datetime,
    *,
    status: RequestStatus | None = None,
    **known: object,
) -> None:
    """What an event says of a request: `known` facts (department, due_at, area, community,
    language) fill in or correct; its `status` counts only if no later event told one."""
    row = await find_row(conn, request_facts, for_update=True, reference=reference)
    values = {k: v for k, v in known.items() if v is not None}
    if row is None:
        await conn.execute(
            upsert_insert(conn, request_facts)
            .values(
                {
                    "reference": reference,
                    "status": (status or RequestStatus.LOGGED).value,
                    "language": Language.EN.value,
                    "changed_at": at,
                    **values,
                }
            )
            .on_conflict_do_nothing()
        )
        return
    first = row.status == RequestStatus.LOGGED  # any later news replaces it, whatever the clocks
    if status not in (None, RequestStatus.LOGGED) and (first or at >= as_utc(row.changed_at)):
        assert status is not None
        values |= {"status": status.value, "changed_at": at}
    if values:
        await conn.execute(
            update(request_facts).where(request_facts.c.reference == reference).values(**values)
        )


async def facts_for(conn: AsyncConnection, reference: str) -> RequestFacts | None:
    row = await find_row(conn, request_facts, reference=reference)
    if row is None:
        return None
    return RequestFacts(
        reference=row.reference,
        status=RequestStatus(row.status),
        department=row.department,
        due_at=as_utc(row.due_at) if row.due_at else None,
        area=row.area,
        community=row.community,
        language=Language(row.language),
    )


async def note_language(
    conn: AsyncConnection, key: IdentifierKey, phone: str, language: Language, at: dt.datetime
) -> None:
    """The language `phone` last used (a later request, subscription or choice replaces it)."""
    digest = key.hash(NUMBER, phone)
    row = await find_row(conn, number_languages, for_update=True, phone_hash=digest)
    if row is None:
        await conn.execute(
            upsert_insert(conn, number_languages)
            .values(phone_hash=digest, language=language.value, updated_at=at)
            .on_conflict_do_nothing()
        )
    elif as_utc(row.updated_at) <= at:
        await conn.execute(
            update(number_languages)
            .where(number_languages.c.phone_hash == digest)
            .values(language=language.value, updated_at=at)
        )


async def language_of(conn: AsyncConnection, key: IdentifierKey, phone: str) -> Language | None:
    row = await find_row(conn, number_languages, phone_hash=key.hash(NUMBER, phone))
    return Language(row.language) if row else None


async def take_answer(
    conn: AsyncConnection, key: IdentifierKey, phone: str, day: dt.date, most: int
) -> bool:
    """Counts one more answer to `phone` on `day`; False (and nothing counted) when it had
    `most` already. One conditional UPDATE decides, so two replicas cannot both pass."""
    digest = key.hash(NUMBER, phone)
    await conn.execute(
        upsert_insert(conn, answer_counts)
        .values(phone_hash=digest, day=day, answered=0)
        .on_conflict_do_nothing()
    )
    c = answer_counts.c
    taken = await conn.execute(
        update(answer_counts)
        .where(c.phone_hash == digest, c.day == day, c.answered < most)
        .values(answered=c.answered + 1)
    )
    return bool(taken.rowcount)


async def visited_communities(conn: AsyncConnection) -> list[str]:
    """The communities with a visit announced (by their names as scheduling spells them)."""
    return list(await conn.scalars(select(visits.c.community).distinct()))
