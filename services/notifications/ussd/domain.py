"""The USSD menu as pure rules: a session's state (a short string kept server-side), the
screen each state shows, and where an input leads (`step`): to another screen (`Ask`, a
`CON ` screen) or to something to do (`Do`, ending with an `END ` screen).

    top ─1→ reference ─ref→ END status (an unknown ref: dial again)
        ─2→ area:visit ─n→ community:visit:<area>:<page> ─n→ END next visit (9: more)
        ─3→ area:news  ─n→ community:news:<area>:<page>  ─n→ END subscribed (9: more)
        ─4→ not-fixed ─ref→ END the same words whoever's the request is
        ─5→ language ─n→ END language set

Every screen below the top offers `0 Back`, one level up (a community list goes back to the
areas). An input that is no choice shows the same screen again, its first line saying what
was wrong (`Ask.wrong`): no number from the list, not ten digits, a digit that looks wrong
(the check digit disagrees), a City reference (starting with 9)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from services.notifications.answers.domain import fit, reference_in
from services.notifications.answers.texts import AREAS
from services.notifications.inbound.domain import not_fresh
from services.notifications.ussd.texts import LANGUAGE_NAMES, SCREENS, Screen
from shared.contracts.common import Language
from shared.reference import LENGTH, damm_digit

__all__ = [
    "SCREEN_MOST",
    "SESSION_FOR",
    "TOP",
    "WRONG_INPUTS",
    "Ask",
    "Do",
    "Doing",
    "community_pages",
    "ending",
    "screen",
    "stamp_not_fresh",
    "step",
]

SCREEN_MOST: Final = 182
"""A USSD screen's characters (GSM-7), with its `CON ` or `END `."""
BODY_MOST: Final = SCREEN_MOST - len("CON ")
SESSION_FOR: Final = dt.timedelta(seconds=180)
"""A session not seen for this long is forgotten: the caller starts again at the top."""
TOP: Final = "top"
MORE: Final = "9"
BACK: Final = "0"
WRONG_INPUTS: Final = (
    Screen.WRONG_CHOICE,
    Screen.NOT_A_REFERENCE,
    Screen.ONE_DIGIT_WRONG,
    Screen.CITY_REFERENCE,
)
"""What a screen shown again can say was wrong, on its first line."""

Areas = Mapping[str, tuple[str, ...]]


class Doing(StrEnum):
    STATUS = "status"
    VISIT = "visit"
    NEWS = "news"
    NOT_FIXED = "not_fixed"
    LANGUAGE = "language"


@dataclass(frozen=True, slots=True)
class Ask:
    state: str
    wrong: Screen | None = None  # what was wrong with the input, when it is shown again


@dataclass(frozen=True, slots=True)
class Do:
    doing: Doing
    argument: str  # the reference, the community or the language code


def step(state: str, entered: str, areas: Areas) -> Ask | Do:
    """Where `entered` leads from `state`."""
    entered = entered.strip()
    kind, _, rest = state.partition(":")
    if kind == TOP:
        chosen = _TOP_CHOICES.get(entered)
        return Ask(chosen) if chosen else Ask(TOP, Screen.WRONG_CHOICE)
    if kind not in _KINDS:
        return Ask(TOP)  # a state this version does not know: start again
    if entered == BACK:
        return Ask(_up(kind, rest))
    if kind in ("reference", "not-fixed"):
        reference = reference_in(entered)
        if reference is None:
            return Ask(state, reference_problem(entered))
        return Do(Doing.STATUS if kind == "reference" else Doing.NOT_FIXED, reference)
    if kind == "area":
        names = list(areas)
        if entered.isdigit() and 1 <= int(entered) <= len(names):
            return Ask(f"community:{rest}:{names[int(entered) - 1]}:0")
        return Ask(state, Screen.WRONG_CHOICE)
    if kind == "community":
        purpose, area, page = rest.split(":")
        return _community_step(state, purpose, area, int(page), entered, areas)
    if entered.isdigit() and 1 <= int(entered) <= len(LANGUAGE_NAMES):  # language
        return Do(Doing.LANGUAGE, LANGUAGE_NAMES[int(entered) - 1][0].value)
    return Ask(state, Screen.WRONG_CHOICE)


_KINDS: Final = ("reference", "not-fixed", "area", "community", "language")


def _up(kind: str, rest: str) -> str:
    """The screen one level above: a community list's areas, else the top."""
    if kind == "community":
        return f"area:{rest.split(':')[0]}"
    return TOP


def reference_problem(entered: str) -> Screen:
    """What is wrong with what was typed for a reference (reference_in found none)."""
    digits = re.sub(r"[\s\-]", "", entered)
    if len(digits) != LENGTH or not (digits.isascii() and digits.isdigit()):
        return Screen.NOT_A_REFERENCE
    if digits[0] == "9":
        return Screen.CITY_REFERENCE
    return Screen.ONE_DIGIT_WRONG if damm_digit(digits) else Screen.NOT_A_REFERENCE


_TOP_CHOICES: Final = {
    "1": "reference",
    "2": "area:visit",
    "3": "area:news",
    "4": "not-fixed",
    "5": "language",
}


def _community_step(
    state: str, purpose: str, area: str, page: int, entered: str, areas: Areas
) -> Ask | Do:
    pages = community_pages(areas.get(area, ()))
    shown = pages[page] if page < len(pages) else []
    if entered == MORE and page + 1 < len(pages):
        return Ask(f"community:{purpose}:{area}:{page + 1}")
    if entered.isdigit() and 1 <= int(entered) <= len(shown):
        return Do(Doing.VISIT if purpose == "visit" else Doing.NEWS, shown[int(entered) - 1])
    return Ask(state, Screen.WRONG_CHOICE)


def community_pages(names: tuple[str, ...]) -> list[list[str]]:
    """The communities in pages of at most eight that fit a screen in every language, with
    its heading, `9 More`, `0 Back` and a line saying a choice was wrong (names shortened past
    24 characters on the screen only)."""
    around = max(
        len(texts[Screen.WRONG_CHOICE] + "\n" + texts[Screen.COMMUNITY])
        + len(f"\n{MORE} {texts[Screen.MORE]}\n{BACK} {texts[Screen.BACK]}")
        for texts in SCREENS.values()
    )
    pages: list[list[str]] = [[]]
    used = around
    for name in names:
        line = len(f"\n8 {_short(name)}")
        if len(pages[-1]) == 8 or used + line > BODY_MOST:
            pages.append([])
            used = around
        pages[-1].append(name)
        used += line
    return [page for page in pages if page] or [[]]


def _short(name: str) -> str:
    return name if len(name) <= 24 else name[:22] + ".."


def screen(state: str, language: Language, areas: Areas, wrong: Screen | None = None) -> str:
    """What `state` shows (without `CON `), after what was `wrong` with the last input."""
    texts = SCREENS[language]
    kind = state.partition(":")[0]
    first = [texts[wrong]] if wrong else []
    if kind not in _KINDS:
        return "\n".join([*first, texts[Screen.TOP]])
    back = f"{BACK} {texts[Screen.BACK]}"
    return fit("\n".join([*first, *_lines(state, language, areas), back]), {}, BODY_MOST)


def _lines(state: str, language: Language, areas: Areas) -> list[str]:
    """A screen below the top: its heading and choices, without `0 Back`."""
    texts = SCREENS[language]
    kind, _, rest = state.partition(":")
    if kind == "reference":
        return [texts[Screen.ASK_REFERENCE]]
    if kind == "not-fixed":
        return [texts[Screen.ASK_NOT_FIXED]]
    if kind == "area":
        names = AREAS[language]
        lines = [f"{n} {names.get(a, a.title())}" for n, a in enumerate(areas, 1)]
        return [texts[Screen.AREA], *lines]
    if kind == "community":
        _, area, page = rest.split(":")
        pages = community_pages(areas.get(area, ()))
        shown = pages[int(page)] if int(page) < len(pages) else []
        lines = [f"{n} {_short(name)}" for n, name in enumerate(shown, 1)]
        more = [f"{MORE} {texts[Screen.MORE]}"] if int(page) + 1 < len(pages) else []
        return [texts[Screen.COMMUNITY], *lines, *more]
    lines = [f"{n} {name}" for n, (_, name) in enumerate(LANGUAGE_NAMES, 1)]  # language
    return [texts[Screen.LANGUAGE], *lines]


def ending(which: Screen, language: Language, **params: str) -> str:
    """An `END ` screen's words (without `END `), the names shortened to fit."""
    return fit(SCREENS[language][which], params, BODY_MOST)


def stamp_not_fresh(stamp: str | None, now: dt.datetime) -> tuple[str, str] | None:
    """As for the SMS webhook's body (inbound/domain.py): the error if the signed form's
    `timestamp` is missing, unreadable or more than 5 minutes off."""
    value: str | float | None = stamp or None
    if stamp and stamp.replace(".", "", 1).isdigit():
        value = float(stamp)
    return not_fresh(json.dumps({"timestamp": value}).encode(), now)
