"""The rules a new request must meet, as the field app gets them (its module `rules.js`), read
from where intake keeps them, so the app refuses before "Log" what intake would refuse after
the resident has left.

The limits come from intake's models' own JSON schema; the e-mail pattern is the one intake
checks (requests/schemas.py, besides the e-mail validator); the mobile pattern is the one the
phone-number library itself uses for South African mobiles (shared/contracts/common.py
validates with that library); text may not hold the characters shared/contracts/common.py
refuses; a time reported at a visit must fall on the visit's day in Cape Town
(services/intake/visits/domain.py; the app leaves the clock's skew to intake)."""

from __future__ import annotations

import json
from typing import Any

import phonenumbers

from services.intake.requests.schemas import EMAIL, NewRequest
from shared.clock import CAPE_TOWN
from shared.contracts.common import CONTROL_CHARACTERS, LINE_BREAK, PHONE_TEXT
from shared.service_catalogue import MAX_TEXT

__all__ = ["as_javascript", "rules"]

_ZA_OR_NONE = phonenumbers.PhoneMetadata.metadata_for_region("ZA")
assert _ZA_OR_NONE is not None  # the library ships every region's metadata
_ZA = _ZA_OR_NONE


def _max_lengths() -> dict[str, int]:
    """Each text field's longest value, by the API's field name, from the models."""
    schema = NewRequest.model_json_schema()
    models: dict[str, Any] = schema["$defs"]
    found: dict[str, int] = {}

    def longest(prefix: str, properties: dict[str, Any]) -> None:
        for name, spec in properties.items():
            for option in [spec, *spec.get("anyOf", [])]:
                if "maxLength" in option:
                    found[prefix + name] = option["maxLength"]

    longest("", schema["properties"])
    longest("location.", models["Location"]["properties"])
    longest("resident.", models["Resident"]["properties"])
    return found


def rules() -> dict[str, Any]:
    """What the field app checks, as plain values and regular expressions (the same text
    compiles in Python and JavaScript)."""
    mobile = _ZA.mobile
    assert mobile is not None and mobile.national_number_pattern is not None
    return {
        "max_length": _max_lengths(),
        "account_number": NewRequest.model_json_schema()["properties"]["account_number"]["anyOf"][
            0
        ]["pattern"],
        "email": EMAIL.pattern,
        "phone_text": PHONE_TEXT.pattern,
        "mobile": {
            "country_code": str(_ZA.country_code),
            "national_prefix": _ZA.national_prefix,
            "pattern": mobile.national_number_pattern,
            "lengths": list(mobile.possible_length),
        },
        "control_characters": CONTROL_CHARACTERS.pattern,
        "line_break": LINE_BREAK.pattern,
        "time_zone": CAPE_TOWN.key,
        "answer_length": MAX_TEXT,  # an application's text answer (service_catalogue.py)
    }


def as_javascript() -> str:
    """The field app's module `rules.js`."""
    return (
        "// Made by intake (services/intake/field/domain.py) from the rules intake checks.\n"
        f"export const RULES = {json.dumps(rules(), separators=(',', ':'))};\n"
    )
