"""The privacy notice a field agent reads to a resident before taking a phone number or an
e-mail address (POPIA s18), in one place: English, Afrikaans and isiXhosa, and its version.
Intake serves it to the field app (`/field/notice.js`) and to anyone (`GET
/v1/privacy/notice`), docs/interface.md shows it (a unit test keeps the page to it), and each
request whose resident gave contact details records the version they heard. A new text gets a
new version; the translations are to be read by first-language speakers before going live."""

from __future__ import annotations

import json
from typing import Final

__all__ = ["TEXT", "VERSION", "as_javascript"]

VERSION: Final = "2026-11-01"

TEXT: Final = {
    "en": "The City uses your cellphone number or e-mail address only to send you news of "
    "this request. It is not shared and not used for anything else. You may ask the City "
    "what it holds about you.",
    "af": "Die Stad gebruik u selfoonnommer of e-posadres net om u nuus oor hierdie versoek "
    "te stuur. Dit word nie gedeel of vir enigiets anders gebruik nie. U mag die Stad vra wat "
    "dit oor u hou.",
    "xh": "ISixeko sisebenzisa inombolo yakho yeselfowuni okanye idilesi ye-imeyile kuphela "
    "ukukuthumelela iindaba ngesi sicelo. Ayabelwana nabanye kwaye ayisetyenziselwa nto "
    "yimbi. Ungasibuza iSixeko ukuba sigcine ntoni ngawe.",
}


def as_javascript() -> str:
    """The field app's module `notice.js`."""
    return (
        "// Made by intake from services/intake/privacy/texts.py: change the notice there.\n"
        f"export const NOTICE_VERSION = {json.dumps(VERSION)};\n"
        f"export const NOTICE = {json.dumps(TEXT, ensure_ascii=False, indent=2)};\n"
    )
