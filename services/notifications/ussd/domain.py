"""The USSD menu as pure rules: a session's state (a short string kept server-side), the
screen each state shows, and where an input leads (`step`): to another screen (`Ask`, a
`CON ` screen) or to something to do (`Do`, ending with an `END ` screen).

    top ─1→ reference ─ref→ END status
        ─2→ area:visit ─n→ community:visit:<area>:<page> ─n→ END next visit (9: more)
        ─3→ area:news  ─n→ community:news:<area>:<page>  ─n→ END subscribed (9: more)
        ─4→ not-fixed ─ref→ END the same words whoever's the request is
        ─5→ language ─n→ END language set

An input that is no choice shows the same screen again."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from services.notifications.answers.domain import fit, reference_in
from services.notifications.answers.texts import AREAS
from services.notifications.inbound.domain import not_fresh
from services.notifications.ussd.texts import LANGUAGE_NAMES, SCREENS, Screen
from shared.contracts.common import Language

__all__ = [
    "SCREEN_MOST",
    "SESSION_FOR",
    "TOP",
    "Ask",
    "Do",
    "Doing",
    "community_pages",
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


@dataclass(frozen=True, slots=True)
class Do:
    doing: Doing
    argument: str  # the reference, the community or the language code


def step(state: str, entered: str, areas: Areas) -> Ask | Do:
    """Where `entered` leads from `state`."""
    entered = entered.strip()
    kind, _, rest = state.partition(":")
    if kind == TOP:
        return Ask(_TOP_CHOICES.get(entered, TOP))
    if kind in ("reference", "not-fixed"):
        reference = reference_in(entered)
        if reference is None:
            return Ask(state)
        return Do(Doing.STATUS if kind == "reference" else Doing.NOT_FIXED, reference)
    if kind == "area":
        names = list(areas)
        if entered.isdigit() and 1 <= int(entered) <= len(names):
            return Ask(f"community:{rest}:{names[int(entered) - 1]}:0")
        return Ask(state)
    if kind == "community":
        purpose, area, page = rest.split(":")
        return _community_step(state, purpose, area, int(page), entered, areas)
    if kind == "language":
        if entered.isdigit() and 1 <= int(entered) <= len(LANGUAGE_NAMES):
            return Do(Doing.LANGUAGE, LANGUAGE_NAMES[int(entered) - 1][0].value)
        return Ask(state)
    return Ask(TOP)  # a state this version does not know: start again


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
    return Ask(state)


def community_pages(names: tuple[str, ...]) -> list[list[str]]:
    """The communities in pages of at most eight that fit a screen in every language, with
    its heading and `9 More` (names shortened past 24 characters on the screen only)."""
    longest_heading = max(
        len(SCREENS[lang][Screen.COMMUNITY]) + len(SCREENS[lang][Screen.MORE]) for lang in Language
    )
    pages: list[list[str]] = [[]]
    used = longest_heading + len("\n9 ")
    for name in names:
        line = len(f"\n8 {_short(name)}")
        if len(pages[-1]) == 8 or used + line > BODY_MOST:
            pages.append([])
            used = longest_heading + len("\n9 ")
        pages[-1].append(name)
        used += line
    return [page for page in pages if page] or [[]]


def _short(name: str) -> str:
    return name if len(name) <= 24 else name[:22] + ".."


def screen(state: str, language: Language, areas: Areas) -> str:
    """What `state` shows (without `CON `)."""
    texts = SCREENS[language]
    kind, _, rest = state.partition(":")
    if kind == "reference":
        return texts[Screen.ASK_REFERENCE]
    if kind == "not-fixed":
        return texts[Screen.ASK_NOT_FIXED]
    if kind == "area":
        names = AREAS[language]
        lines = [f"{n} {names.get(a, a.title())}" for n, a in enumerate(areas, 1)]
        return "\n".join([texts[Screen.AREA], *lines])
    if kind == "community":
        _, area, page = rest.split(":")
        pages = community_pages(areas.get(area, ()))
        shown = pages[int(page)] if int(page) < len(pages) else []
        lines = [f"{n} {_short(name)}" for n, name in enumerate(shown, 1)]
        more = [f"{MORE} {texts[Screen.MORE]}"] if int(page) + 1 < len(pages) else []
        return fit("\n".join([texts[Screen.COMMUNITY], *lines, *more]), {}, BODY_MOST)
    if kind == "language":
        lines = [f"{n} {name}" for n, (_, name) in enumerate(LANGUAGE_NAMES, 1)]
        return "\n".join([texts[Screen.LANGUAGE], *lines])
    return texts[Screen.TOP]


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
