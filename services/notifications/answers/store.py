"""What the answers are made of: each request's public facts as the bus tells them, the
language a number last used, and the answers each number got a day (numbers as keyed hashes
only)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.notifications.answers.domain import RequestFacts
from services.notifications.store import answer_counts, number_languages, request_facts, visits
from shared.contracts.common import Language, RequestStatus
from shared.identifiers import IdentifierKey
from shared.store import as_utc, find_row, upsert_insert

__all__ = [
    "FactNote",
    "facts_for",
    "language_of",
    "note_fact",
    "note_facts",
    "note_language",
    "note_languages",
    "take_answer",
    "visited_communities",
]

NUMBER = "answers-number"
"""The purpose of a number's keyed hash here (its language, its answers)."""


_FACT_COLUMNS = tuple(column.name for column in request_facts.columns)


@dataclass(frozen=True, slots=True)
class FactNote:
    """What one event says of a request: `known` facts (department, due_at, area, community,
    language) fill in or correct; its `status` counts only if no later event told one."""

    reference: str
    at: dt.datetime
    status: RequestStatus | None = None
    known: Mapping[str, object] = field(default_factory=dict)


async def note_fact(
    conn: AsyncConnection,
    reference: str,
    at: dt.datetime,
    *,
    status: RequestStatus | None = None,
    **known: object,
) -> None:
    """What one event says of a request (`FactNote`)."""
    await note_facts(conn, [FactNote(reference, at, status, known)])


async def note_facts(conn: AsyncConnection, notes: Sequence[FactNote]) -> None:
    """What a run of events says of their requests, in their order: the requests' rows read
    in one statement, then the new ones inserted in one and the changed ones updated in one
    (a field day's logged requests arrive a thousand at a time)."""
    if not notes:
        return
    c = request_facts.c
    references = list(dict.fromkeys(n.reference for n in notes))
    query = select(request_facts).where(c.reference.in_(references))
    if conn.dialect.name != "sqlite":
        query = query.with_for_update()
    stored = {row.reference: dict(row._mapping) for row in await conn.execute(query)}
    facts = dict(stored)
    for note in notes:
        facts[note.reference] = _noted(facts.get(note.reference), note)
    new = [facts[r] for r in references if r not in stored]
    changed = [facts[r] for r in references if r in stored and facts[r] != stored[r]]
    if new:
        await conn.execute(upsert_insert(conn, request_facts).on_conflict_do_nothing(), new)
    if changed:
        columns: dict[str, Any] = {name: bindparam(f"new_{name}") for name in _FACT_COLUMNS}
        await conn.execute(
            update(request_facts).where(c.reference == bindparam("new_reference")).values(columns),
            [{f"new_{name}": value for name, value in row.items()} for row in changed],
        )


def _noted(row: dict[str, Any] | None, note: FactNote) -> dict[str, Any]:
    """A request's facts once `note` is told: a first event makes them, a later one fills in
    or corrects; a status replaces the first (logged) whatever the clocks, else only a newer."""
    values = {k: v for k, v in note.known.items() if v is not None}
    if row is None:
        return {
            **dict.fromkeys(_FACT_COLUMNS),
            "reference": note.reference,
            "status": (note.status or RequestStatus.LOGGED).value,
            "language": Language.EN.value,
            "changed_at": note.at,
            **values,
        }
    first = row["status"] == RequestStatus.LOGGED
    status = note.status
    if status not in (None, RequestStatus.LOGGED) and (
        first or note.at >= as_utc(row["changed_at"])
    ):
        assert status is not None
        values |= {"status": status.value, "changed_at": note.at}
    return row | values


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
    await note_languages(conn, key, [(phone, language, at)])


async def note_languages(
    conn: AsyncConnection,
    key: IdentifierKey,
    used: Sequence[tuple[str, Language, dt.datetime]],
) -> None:
    """The language each number of a run last used, in their order: read in one statement,
    the new numbers inserted in one and the changed ones updated in one."""
    if not used:
        return
    c = number_languages.c
    notes = [(key.hash(NUMBER, phone), language.value, at) for phone, language, at in used]
    digests = list(dict.fromkeys(digest for digest, _, _ in notes))
    query = select(number_languages).where(c.phone_hash.in_(digests))
    if conn.dialect.name != "sqlite":
        query = query.with_for_update()
    stored = {
        row.phone_hash: (row.language, as_utc(row.updated_at)) for row in await conn.execute(query)
    }
    latest = dict(stored)
    for digest, language, at in notes:
        before = latest.get(digest)
        if before is None or before[1] <= at:
            latest[digest] = (language, at)
    rows = [{"new_hash": d, "new_language": latest[d][0], "new_at": latest[d][1]} for d in digests]
    new = [r for r in rows if r["new_hash"] not in stored]
    changed = [
        r
        for r in rows
        if r["new_hash"] in stored and latest[r["new_hash"]] != stored[r["new_hash"]]
    ]
    if new:
        await conn.execute(
            upsert_insert(conn, number_languages).on_conflict_do_nothing(),
            [
                {
                    "phone_hash": r["new_hash"],
                    "language": r["new_language"],
                    "updated_at": r["new_at"],
                }
                for r in new
            ],
        )
    if changed:
        await conn.execute(
            update(number_languages)
            .where(c.phone_hash == bindparam("new_hash"))
            .values(language=bindparam("new_language"), updated_at=bindparam("new_at")),
            changed,
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
