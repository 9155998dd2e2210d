"""What a resident's SMS asks (`parse`) and what it is answered (`status_answer`,
`visit_answer`, `help_answer`, and for a bare keyword `status_hint`, `visit_hint`), as pure
functions: every answer one GSM-7 segment in the sender's language, its longest names
shortened to fit. Each number gets ANSWERS_PER_DAY answers a day at most (then silence), so
nobody can run up the City's SMS bill."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from services.notifications.answers.texts import (
    ANSWERS,
    EXAMPLE_REFERENCE,
    KEYWORDS,
    PASTED_PREFIXES,
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
    "status_hint",
    "visit_answer",
    "visit_hint",
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
    word: str = ""  # the keyword as typed, in capitals (a hint repeats it)


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
    """The command an SMS is, or None for anything not understood (answered with help). A
    bare reference, or one pasted with its `Ref`, asks its status; so does `STATUS8189002316`
    (a keyword glued to what follows)."""
    pasted = _PASTED_REFERENCE.fullmatch(text.strip())
    if pasted is not None:
        prefix, digits = pasted.groups()
        language = PASTED_PREFIXES[prefix.upper()] if prefix else None
        return Asked(Keyword.STATUS, " ".join(digits.split()), language, "STATUS")
    words = text.split()
    if not words:
        return None
    glued = _GLUED.match(words[0])
    if glued is not None:
        words = [glued.group(1), glued.group(2), *words[1:]]
    word = re.sub(r"\W", "", words[0]).upper()
    found = KEYWORDS.get(word)
    if found is None:
        return None
    keyword, language = found
    return Asked(keyword, " ".join(words[1:]), language, word)


_PREFIX = "|".join(PASTED_PREFIXES)
_PASTED_REFERENCE: Final = re.compile(rf"(?:({_PREFIX})\W*)?((?:\d[\s-]*){{10}})\W*", re.I)
_GLUED: Final = re.compile(r"([^\W\d_]+)\W*(\d.*)")
_LEADING_PREFIX: Final = re.compile(rf"({_PREFIX})\W*", re.I)


def reference_in(argument: str) -> str | None:
    """The canonical 10 digits of the reference typed, if it is one (a `Ref` before it and
    a full stop after it, as pasted from an SMS, allowed)."""
    typed = _LEADING_PREFIX.sub("", argument.strip(), count=1).rstrip(".,;:!?")
    try:
        return parse_reference(typed)
    except InvalidReference:
        return None


def help_answer(language: Language) -> str:
    return fit(ANSWERS[language][Answer.HELP], {})


def status_hint(word: str, language: Language) -> str:
    """For a bare STATUS: how to ask, with `word` (the keyword typed) and an example ref."""
    example = format_for_reading(EXAMPLE_REFERENCE)
    return fit(ANSWERS[language][Answer.STATUS_HINT], {"keyword": word, "example": example})


def visit_hint(word: str, language: Language) -> str:
    """For a bare VISIT or NEXT: how to ask, with `word` (the keyword typed)."""
    return fit(ANSWERS[language][Answer.VISIT_HINT], {"keyword": word})


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
