"""The GSM 03.38 alphabet: an SMS in it fits 160 characters in one segment; one character
outside it turns the whole message into UCS-2, 70 characters a segment, and doubles the cost."""

from __future__ import annotations

import unicodedata
from typing import Final

__all__ = ["SEGMENT", "gsm_length", "is_gsm7", "to_gsm7"]

SEGMENT: Final = 160

_BASIC: Final = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_EXTENDED: Final = frozenset("^{}\\[~]|€")  # each costs two characters (escape + char)


def is_gsm7(text: str) -> bool:
    return all(ch in _BASIC or ch in _EXTENDED for ch in text)


def gsm_length(text: str) -> int:
    return sum(2 if ch in _EXTENDED else 1 for ch in text)


def to_gsm7(text: str) -> str:
    """The text with every character outside GSM-7 replaced by its closest plain letter
    (Afrikaans ê, ë, ô become e, e, o; typographic quotes become straight ones)."""
    out = []
    for ch in text:
        if ch in _BASIC or ch in _EXTENDED:
            out.append(ch)
            continue
        replacement = _PUNCTUATION.get(ch)
        if replacement is None:
            decomposed = unicodedata.normalize("NFKD", ch)
            replacement = "".join(c for c in decomposed if c in _BASIC) or "?"
        out.append(replacement)
    return "".join(out)


_PUNCTUATION: Final = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2026": "...",
    "\u00a0": " ",
    "\t": " ",
}
