"""What a resident's SMS asks (`parse`) and what it is answered (`status_answer`,
`visit_answer`, `help_answer`), as pure functions: every answer one GSM-7 segment in the
sender's language, its longest names shortened to fit. Each number gets ANSWERS_PER_DAY
answers a day at most (then silence), so nobody can run up the City's SMS bill."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from services.notifications.answers.texts import (
    ANSWERS,
    KEYWORDS,
    STATUS_WORDS,
    Answer,
    Keyword,
)
from services.notifications.messages.domain import SEGMENT, gsm_length, to_gsm7
from services.notifications.messages.texts import department_name, visit_day
from services.notifications.updates.domain import Visit
from shared.clock import CAPE_TOWN
from shared.contracts.common import Language, RequestStatus
from shared.reference import InvalidReference, format_for_reading
from shared.reference import parse as parse_reference

__all__ = [
    "ANSWERS_PER_DAY",
    "Asked",
    "RequestFacts",
    "closest",
    "fit",
    "help_answer",
    "parse",
    "reference_in",
    "status_answer",
    "visit_answer",
]

ANSWERS_PER_DAY: Final = 10
"""Answers one number gets in a (Cape Town) day; the next command gets nothing."""
TYPED_MOST: Final = 40
"""What a resident typed is quoted back at most this long."""
_SHORTENABLE: Final = ("names", "venue", "community", "department", "typed")


@dataclass(frozen=True, slots=True)
class Asked:
    keyword: Keyword
    argument: str  # what follows the keyword, spaces tidied
    language: Language | None  # the keyword's language, when it has one of its own


@dataclass(frozen=True, slots=True)
class RequestFacts:
    """A request's public facts, as the bus told them: nothing personal."""

    reference: str
    status: RequestStatus
    department: str | None
    due_at: dt.datetime | None
    area: str | None
    community: str | None
    language: Language


def parse(text: str) -> Asked | None:
    """The command an SMS is, or None for anything not understood (answered with help)."""
    words = text.split()
    if not words:
        return None
    found = KEYWORDS.get(re.sub(r"\W", "", words[0]).upper())
    if found is None:
        return None
    keyword, language = found
    return Asked(keyword, " ".join(words[1:]), language)


def reference_in(argument: str) -> str | None:
    """The canonical 10 digits of the reference typed, if it is one."""
    try:
        return parse_reference(argument.strip())
    except InvalidReference:
        return None


def help_answer(language: Language) -> str:
    return fit(ANSWERS[language][Answer.HELP], {})


def status_answer(typed: str, facts: RequestFacts | None, language: Language) -> str:
    """The request's status in words, its department and the date it is due; an unknown or
    mistyped reference says so."""
    if facts is None:
        shown = typed if (found := reference_in(typed)) is None else format_for_reading(found)
        return fit(ANSWERS[language][Answer.UNKNOWN_REFERENCE], {"reference": shown[:14]})
    params = {
        "reference": format_for_reading(facts.reference),
        "status": STATUS_WORDS[language][facts.status],
    }
    answer = Answer.STATUS
    if facts.department and facts.status is not RequestStatus.REFERRED:
        params["department"] = department_name(facts.department)
        answer = Answer.STATUS_DEPARTMENT
        finished = facts.status in (RequestStatus.RESOLVED, RequestStatus.CLOSED)
        if facts.due_at is not None and not finished:
            params["date"] = visit_day(facts.due_at.astimezone(CAPE_TOWN).date(), language)
            answer = Answer.STATUS_DUE
    return fit(ANSWERS[language][answer], params)


def visit_answer(
    typed: str, community: str | None, visit: Visit | None, near: list[str], language: Language
) -> str:
    """The next visit to `community` (the known name of what was `typed`), or that none is
    announced; for a name not known, the `near` names known."""
    texts = ANSWERS[language]
    if community is None:
        shown = typed[:TYPED_MOST] or "?"
        if near:
            return fit(texts[Answer.CLOSEST], {"community": shown, "names": ", ".join(near)})
        return fit(texts[Answer.UNKNOWN_COMMUNITY], {"community": shown})
    if visit is None:
        return fit(texts[Answer.NO_VISIT], {"community": community})
    return fit(texts[Answer.VISIT], visit_params(visit, language))


def visit_params(visit: Visit, language: Language) -> dict[str, str]:
    return {
        "community": visit.community,
        "venue": visit.venue,
        "date": visit_day(visit.date, language),
        "hours": f"{visit.starts:%H:%M}-{visit.ends:%H:%M}",
    }


def closest(typed: str, names: Iterable[str], most: int = 3) -> list[str]:
    """The known community names closest to what was typed (difflib), closest first."""
    by_key = {name.casefold(): name for name in names}
    near = difflib.get_close_matches(typed.casefold(), list(by_key), n=most, cutoff=0.6)
    return [by_key[key] for key in near]


def fit(pattern: str, params: Mapping[str, str], most: int = SEGMENT) -> str:
    """`pattern` filled in, in GSM-7, within `most` characters: the longest shortenable name
    loses characters (and gains `..`) until it fits; a reference is never shortened."""
    values = {k: to_gsm7(v) for k, v in params.items()}
    text = to_gsm7(pattern).format_map(values)
    while gsm_length(text) > most:
        candidates = [k for k in _SHORTENABLE if k in values and len(values[k]) > 3]
        if not candidates:
            raise ValueError(f"the fixed text of {pattern[:30]!r} is longer than {most}")
        longest = max(candidates, key=lambda k: len(values[k]))
        value = values[longest].removesuffix("..")
        cut = max(1, len(value) - max(1, gsm_length(text) - most))
        values[longest] = value[:cut].rstrip() + ".."
        text = to_gsm7(pattern).format_map(values)
    return text
