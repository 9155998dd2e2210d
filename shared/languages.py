"""Which of the residents' three languages a public page speaks: the resident pages'
(intake) and the City's figures (routing) choose the same way."""

from __future__ import annotations

import re
from typing import Final

from shared.contracts.common import Language

__all__ = ["chosen_language"]

_RANGE: Final = re.compile(
    r"^\s*([A-Za-z]{1,8})(?:-[A-Za-z0-9]{1,8})*\s*(?:;\s*q\s*=\s*([0-9.]+))?"
)


def chosen_language(asked: str | None, accept_language: str | None) -> Language:
    """`?lang=` when it names one of the three; else the browser's most wanted of them
    (`Accept-Language`, q-values respected, `af-ZA` counts as `af`); else English."""
    if asked:
        try:
            return Language(asked.strip().lower())
        except ValueError:
            pass
    best: tuple[float, int, Language] | None = None
    for place, part in enumerate((accept_language or "").split(",")[:20]):
        found = _RANGE.match(part)
        if not found:
            continue
        try:
            language = Language(found.group(1).lower())
            weight = float(found.group(2)) if found.group(2) else 1.0
        except ValueError:
            continue
        if weight > 0 and (best is None or (weight, -place) > (best[0], best[1])):
            best = (weight, -place, language)
    return best[2] if best else Language.EN
