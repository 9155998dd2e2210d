"""Messages out of facts: what a delivery stores (`MessageFacts`) becomes, at send time and
in one place (`compose`), the SMS, the e-mail's subject and body and its links, in the
resident's language. Every SMS fits one 160-character GSM-7 segment: the fixed wording is
short, and the names that vary (community, venue, department, a referral note) are shortened
when a long one would not fit."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from pydantic import BaseModel, ConfigDict

from services.notifications.messages.texts import (
    FOOTER,
    LINKS,
    SMS,
    SUBJECT,
    Template,
    department_name,
    visit_day,
)
from shared.contracts.common import Language
from shared.reference import format_for_reading
from shared.service_catalogue import Service

__all__ = [
    "SEGMENT",
    "SHORTENABLE",
    "Message",
    "MessageFacts",
    "compose",
    "gsm_length",
    "is_gsm7",
    "render",
    "to_gsm7",
    "with_follow_up",
]


SHORTENABLE: Final = ("note", "venue", "community", "department", "service")
"""Parameters that may be shortened so an SMS fits one segment, longest first."""


@dataclass(frozen=True, slots=True)
class Message:
    sms: str
    email_subject: str
    body: str
    unsubscribe_url: str | None = None  # an e-mail's List-Unsubscribe


class MessageFacts(BaseModel):
    """What a message is about, as stored with its delivery: facts, not wording. The words,
    the language's day and month names and the shortening that fits one SMS are all
    decided by `compose` at send time."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    reference: str | None = None
    department: str | None = None  # slug
    note: str | None = None  # a referral's: whom to contact instead; a closure's reason
    other: str | None = None  # the request a duplicate repeats
    community: str | None = None
    venue: str | None = None
    date: dt.date | None = None
    starts: dt.time | None = None  # local time of day
    ends: dt.time | None = None
    confirm_url: str | None = None  # a new e-mail subscription's single-use link
    unsubscribe_url: str | None = None  # every visit e-mail carries one
    # An application's decision, as codes of its catalogue service (named at send time):
    service: str | None = None
    papers: list[str] | None = None  # what the resident must still bring
    reason: str | None = None  # why it was declined
    until: dt.date | None = None  # the approval's end, or the last day to appeal


def compose(
    template: Template, language: Language, facts: MessageFacts, service: Service | None = None
) -> Message:
    """The message a resident receives: the one place facts become text (an application's
    service, papers and reasons named from its catalogue `service`)."""
    hours = f"{facts.starts:%H:%M}-{facts.ends:%H:%M}" if facts.starts and facts.ends else None
    params = {
        "reference": format_for_reading(facts.reference) if facts.reference else None,
        "department": department_name(facts.department) if facts.department else None,
        "note": _application_words(facts, service, language) or facts.note,
        "service": service.name.in_language(language) if service else None,
        "until": visit_day(facts.until, language) if facts.until else None,
        "other": format_for_reading(facts.other) if facts.other else None,
        "community": facts.community,
        "venue": facts.venue,
        "date": visit_day(facts.date, language) if facts.date else None,
        "hours": hours,
    }
    message = render(template, language, {k: v for k, v in params.items() if v is not None})
    labels = LINKS[language]
    links = [
        f"{labels[name]}: {url}"
        for name, url in (("confirm", facts.confirm_url), ("unsubscribe", facts.unsubscribe_url))
        if url
    ]
    if not links:
        return message
    body = message.body.replace("\n\n", "\n\n" + "\n".join(links) + "\n\n", 1)
    return Message(message.sms, message.email_subject, body, facts.unsubscribe_url)


def with_follow_up(message: Message, language: Language, reference: str, base: str) -> Message:
    """A message about a request with its follow-up page, `<base>/r/<reference>`: at the end
    of the SMS where it still fits one segment (else the SMS as it was), and always in the
    e-mail, before its footer."""
    link = f"{base}/r/{''.join(ch for ch in reference if ch.isdigit())}"
    sms = f"{message.sms} {link}"
    if gsm_length(sms) > SEGMENT or not is_gsm7(sms):
        sms = message.sms
    line = f"{LINKS[language]['follow']}: {link}"
    head, sep, tail = message.body.partition("\n\n")
    body = f"{head}\n\n{line}{sep}{tail}" if sep else f"{message.body}\n{line}\n"
    return Message(sms, message.email_subject, body, message.unsubscribe_url)


def _application_words(
    facts: MessageFacts, service: Service | None, language: Language
) -> str | None:
    """The papers still to bring, or why it was declined, in the resident's language."""
    if service is None:
        return None
    if facts.papers:
        names = [service.words_for(code) for code in facts.papers]
        return ", ".join(w.in_language(language) for w in names if w is not None)
    reason = next((r.name for r in service.decline_reasons if r.code == facts.reason), None)
    return reason.in_language(language) if reason else None


def render(template: Template, language: Language, params: Mapping[str, str]) -> Message:
    sms = _fit(SMS[language][template], {k: to_gsm7(v) for k, v in params.items()})
    kind = "visit" if template.value.startswith(("visit", "confirm")) else "request"
    kind = "digest" if template is Template.DIGEST else kind
    subject = SUBJECT[language][kind].format_map(_Defaults(params))
    full = SMS[language][template].format_map(_Defaults(params))
    return Message(sms=sms, email_subject=subject, body=f"{full}\n\n{FOOTER[language]}\n")


def _fit(pattern: str, params: dict[str, str]) -> str:
    """Shorten the longest shortenable parameter a character at a time until it fits."""
    text = pattern.format_map(_Defaults(params))
    while gsm_length(text) > SEGMENT:
        candidates = [k for k in SHORTENABLE if k in params and len(params[k]) > 3]
        if not candidates:
            raise ValueError(f"the fixed text of {pattern[:30]!r} is longer than one SMS")
        longest = max(candidates, key=lambda k: len(params[k]))
        value = params[longest].removesuffix("..")
        params[longest] = (
            value[: max(1, len(value) - max(1, gsm_length(text) - SEGMENT))].rstrip() + ".."
        )
        text = pattern.format_map(_Defaults(params))
    return text


class _Defaults(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


# --- the GSM 03.38 alphabet ------------------------------------------------------------------
# An SMS in it fits 160 characters in one segment; one character outside it turns the whole
# message into UCS-2, 70 characters a segment, and doubles the cost.

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
