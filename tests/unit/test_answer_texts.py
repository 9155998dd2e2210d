"""Every SMS answer fits one GSM-7 segment in every language, with the longest realistic
values (statuses, departments, days, community and venue names, what a resident typed)."""

import datetime as dt

import pytest

from services.notifications.answers.domain import (
    RequestFacts,
    closest,
    help_answer,
    parse,
    reference_in,
    status_answer,
    status_hint,
    visit_answer,
    visit_hint,
)
from services.notifications.answers.texts import EXAMPLE_REFERENCE, Keyword
from services.notifications.messages.domain import SEGMENT, gsm_length, is_gsm7
from services.notifications.updates.domain import Visit
from shared.catalogue import DEPARTMENTS
from shared.contracts.common import Language, RequestStatus
from shared.reference import parse as parse_reference

LONG_COMMUNITY = "Ekuphumleni Informal Settlement Extension Seven " + "x" * 52  # 100 chars
LONG_VENUE = "Thusong Service Centre Multipurpose Community Hall " + "y" * 149  # 200 chars
WEDNESDAY = dt.datetime(2026, 9, 23, 12, tzinfo=dt.UTC)  # Lwesithathu: the longest day


def fits(text: str) -> None:
    assert gsm_length(text) <= SEGMENT, text
    assert is_gsm7(text), text


@pytest.mark.parametrize("language", list(Language))
@pytest.mark.parametrize("status", list(RequestStatus))
def test_every_status_answer_fits(language: Language, status: RequestStatus) -> None:
    longest = max((d.slug for d in DEPARTMENTS), key=len)
    facts = RequestFacts("8888888880", status, longest, WEDNESDAY, "central", "X", language)
    answer = status_answer("8888888880", facts, language)
    fits(answer)
    assert "888 888 8880" in answer  # a reference is never shortened


@pytest.mark.parametrize("language", list(Language))
def test_every_other_answer_fits(language: Language) -> None:
    visit = Visit(LONG_COMMUNITY, LONG_VENUE, WEDNESDAY.date(), dt.time(9, 30), dt.time(13, 30))
    typed = "z" * 1600
    for answer in (
        help_answer(language),
        status_answer(typed, None, language),
        status_answer("8888888880", None, language),
        visit_answer(typed, None, None, [LONG_COMMUNITY] * 3, language),
        visit_answer(typed, None, None, [], language),
        visit_answer(LONG_COMMUNITY, LONG_COMMUNITY, None, [], language),
        visit_answer(LONG_COMMUNITY, LONG_COMMUNITY, visit, [], language),
    ):
        fits(answer)


def test_keywords_in_three_languages_and_nonsense() -> None:
    assert [parse(t).keyword for t in ("status 1", "Imeko 1", "besoek Delft", "UTYELELO x")] == [  # type: ignore[union-attr]
        Keyword.STATUS,
        Keyword.STATUS,
        Keyword.VISIT,
        Keyword.VISIT,
    ]
    assert parse("Hulp").language is Language.AF  # type: ignore[union-attr]
    assert parse("what is this") is None and parse("   ") is None


@pytest.mark.parametrize(
    ("text", "argument", "language"),
    [
        ("818 900 2316", "818 900 2316", None),
        ("8189002316", "8189002316", None),
        ("818-900-2316", "818-900-2316", None),
        ("Ref 818 900 2316", "818 900 2316", None),
        ("Verw 818 900 2316", "818 900 2316", Language.AF),
        ("Inombolo 818 900 2316", "818 900 2316", Language.XH),
        ("STATUS8189002316", "8189002316", None),
        ("imeko:818 900 2316", "818 900 2316", Language.XH),
    ],
)
def test_a_bare_pasted_or_glued_reference_is_a_status_question(
    text: str, argument: str, language: Language | None
) -> None:
    asked = parse(text)
    assert asked is not None and asked.keyword is Keyword.STATUS
    assert (asked.argument, asked.language) == (argument, language)
    assert reference_in(asked.argument) == "8189002316"
    assert reference_in("Ref 818 900 2316.") == "8189002316"


def test_bare_digits_that_are_no_reference_are_not_a_question() -> None:
    assert parse("12345") is None and parse("818 900 23161") is None


@pytest.mark.parametrize("language", list(Language))
def test_the_hints_fit_and_their_example_is_a_reference(language: Language) -> None:
    for word in ("STATUS", "VOLGENDE", "UTYELELO"):
        fits(status_hint(word, language))
        fits(visit_hint(word, language))
    parse_reference(EXAMPLE_REFERENCE)


def test_the_closest_names_known() -> None:
    names = ["Khayelitsha", "Delft", "Mfuleni"]
    assert closest("khayalitsha", names) == ["Khayelitsha"]
    assert closest("Zzyzx", names) == []
