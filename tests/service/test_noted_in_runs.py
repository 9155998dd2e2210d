"""What STATUS answers from (each request's facts) and the language a number last used are
noted a whole consumer batch at a time, and end exactly as noting each event in turn would:
the same reference or number twice in a run, a status told late, a language from before."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from services.notifications.answers import store as answers
from services.notifications.store import metadata, number_languages, request_facts
from shared.contracts.common import Language, RequestStatus
from shared.identifiers import IdentifierKey
from shared.store import Database, as_utc

KEY = IdentifierKey("a test key")
T0 = dt.datetime(2026, 12, 1, 8, tzinfo=dt.UTC)


def hours(n: int) -> dt.datetime:
    return T0 + dt.timedelta(hours=n)


FIRST = [
    answers.FactNote("1000000001", hours(0), known={"area": "east", "community": "Nyanga"}),
    answers.FactNote("1000000002", hours(0), status=RequestStatus.ROUTED),
]
THEN = [
    answers.FactNote("1000000001", hours(3), status=RequestStatus.IN_PROGRESS),
    answers.FactNote("1000000001", hours(2), status=RequestStatus.ROUTED),  # told late
    answers.FactNote("1000000002", hours(1), known={"department": "water", "language": "xh"}),
    answers.FactNote("1000000003", hours(1), known={"language": None, "area": "north"}),
    answers.FactNote("1000000003", hours(4), status=RequestStatus.RESOLVED),
]
NUMBERS_FIRST = [("+27825550101", Language.AF, hours(5))]
NUMBERS_THEN = [
    ("+27825550102", Language.EN, hours(1)),
    ("+27825550102", Language.AF, hours(3)),
    ("+27825550101", Language.EN, hours(6)),
    ("+27825550101", Language.XH, hours(2)),  # older than what is kept
]


async def _noted(url: str, in_runs: bool) -> tuple[list[Any], list[Any]]:
    db = Database(url)
    await db.create_schema(metadata)
    async with db.transaction() as conn:
        await answers.note_facts(conn, FIRST)
        await answers.note_languages(conn, KEY, NUMBERS_FIRST)
    async with db.transaction() as conn:
        if in_runs:
            await answers.note_facts(conn, THEN)
            await answers.note_languages(conn, KEY, NUMBERS_THEN)
        else:
            for note in THEN:
                await answers.note_fact(
                    conn, note.reference, note.at, status=note.status, **note.known
                )
            for phone, language, at in NUMBERS_THEN:
                await answers.note_language(conn, KEY, phone, language, at)
    async with db.reading() as conn:
        facts = [
            (*row[:-1], as_utc(row[-1]))
            for row in await conn.execute(select(request_facts).order_by(request_facts.c.reference))
        ]
        languages = [
            (row.phone_hash, row.language, as_utc(row.updated_at))
            for row in await conn.execute(
                select(number_languages).order_by(number_languages.c.phone_hash)
            )
        ]
    await db.dispose()
    return facts, languages


async def test_a_run_noted_at_once_ends_as_noting_each_in_turn(make_database: Any) -> None:
    in_runs = await _noted(await make_database(), in_runs=True)
    one_by_one = await _noted(await make_database(), in_runs=False)
    assert in_runs == one_by_one
    facts, languages = in_runs
    by_reference = {row[0]: row for row in facts}
    assert by_reference["1000000001"][1] == RequestStatus.IN_PROGRESS.value  # the late one lost
    assert by_reference["1000000003"][1] == RequestStatus.RESOLVED.value
    by_number = {digest: language for digest, language, _ in languages}
    assert by_number[KEY.hash(answers.NUMBER, "+27825550101")] == "en"
    assert by_number[KEY.hash(answers.NUMBER, "+27825550102")] == "af"
