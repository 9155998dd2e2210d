"""Reference numbers: what a resident quotes when following up, often read aloud or copied
by hand, so mistakes must be caught rather than silently find someone else's request.

Ten digits: a first digit from 1 to 8 (the city's own references start with 9; a leading 0
gets dropped by spreadsheets), eight random digits, and a Damm check digit, which catches
every single wrong digit and every swap of two neighbouring digits.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from typing import Final

__all__ = [
    "DRAWN",
    "LEASED",
    "InvalidReference",
    "WrongDigit",
    "damm_digit",
    "format_for_reading",
    "new_reference",
    "parse",
]

# The Damm algorithm's totally anti-symmetric quasigroup of order 10 (Damm, 2004).
_DAMM: Final = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)
LENGTH: Final = 10
_SEPARATORS = re.compile(r"[\s\-]")


class InvalidReference(ValueError):
    """The text is not a reference number; the message says what to fix."""


class WrongDigit(InvalidReference):
    """Ten digits whose check digit fails: one of them was mistyped (or two swapped)."""


def damm_digit(digits: str) -> int:
    """The interim digit after `digits`; appending it makes the whole come out 0."""
    interim = 0
    for ch in digits:
        interim = _DAMM[interim][ord(ch) - 48]
    return interim


DRAWN: Final = "5678"
"""First digits of the numbers intake draws for a request as it arrives."""
LEASED: Final = "1234"
"""First digits of the numbers leased to field devices ahead, for when they have no signal:
the two never meet."""


def new_reference(
    randbelow: Callable[[int], int] = secrets.randbelow, first_digits: str = DRAWN
) -> str:
    body = first_digits[randbelow(len(first_digits))] + "".join(
        str(randbelow(10)) for _ in range(LENGTH - 2)
    )
    return body + str(damm_digit(body))


def parse(text: str) -> str:
    """The canonical 10 digits of `text`, which may contain spaces and dashes."""
    digits = _SEPARATORS.sub("", text)
    if not digits:
        raise InvalidReference(f"a reference number has {LENGTH} digits, this has none")
    if not digits.isascii() or not digits.isdigit():
        raise InvalidReference("a reference number has digits only (spaces and dashes allowed)")
    if len(digits) != LENGTH:
        raise InvalidReference(f"a reference number has {LENGTH} digits, this has {len(digits)}")
    if digits[0] == "9":
        raise InvalidReference(
            "references starting with 9 are the city's own service requests, not Mobile Office's"
        )
    if damm_digit(digits) != 0:
        raise WrongDigit("this reference number has a typing error: please check each digit")
    return digits


def format_for_reading(reference: str) -> str:
    """Grouped 3-3-4 for reading aloud: `812 345 6789`."""
    return f"{reference[:3]} {reference[3:6]} {reference[6:]}"
