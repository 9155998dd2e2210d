"""Intake's pure rules: what a logged request announces, when two bodies are the same
request, and what a follow-up says while a request waits for triage. No I/O here."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Final

from pydantic import BaseModel

from services.intake.public_view import public_text
from services.intake.schemas import NewRequest
from shared.contracts.requests import RequestLogged, ResidentContact

__all__ = [
    "IDEMPOTENCY_TTL",
    "UNROUTABLE_NOTE",
    "IdempotencyConflict",
    "UnknownVisit",
    "fingerprint",
    "logged_event",
    "public_note",
]

IDEMPOTENCY_TTL: Final = dt.timedelta(hours=24)
"""How long an Idempotency-Key is remembered: a field app retries within minutes, and a hash
of every body kept for ever serves no one (POPIA s14)."""

UNROUTABLE_NOTE: Final = "waiting for the Mobile Office team to choose the right department"


class IdempotencyConflict(Exception):
    """The Idempotency-Key was already used for a different body."""


class UnknownVisit(Exception):
    """The request names a visit scheduling never announced."""


def public_note(note: str | None, marked_public: bool) -> str | None:
    """What the resident's follow-up page may show of a department's note: only what the team
    marked public, and never a note with a phone number or e-mail address in it (a team
    may write down whom they spoke to; the page is open to anyone with the reference)."""
    if note is None or not marked_public:
        return None
    return public_text(note)  # the one rule of everything public (public_view.py)


def fingerprint(body: BaseModel) -> str:
    """Equal for the same request sent twice (a retry), different for any other."""
    return hashlib.sha256(body.model_dump_json().encode()).hexdigest()


def logged_event(reference: str, command: NewRequest, agent: str, at: dt.datetime) -> RequestLogged:
    """The `request.logged` event: the one place a resident's contact details travel."""
    resident = command.resident
    return RequestLogged(
        reference=reference,
        category=command.category,
        description=command.description,
        location=command.location,
        resident=None if resident is None else ResidentContact(**resident.model_dump()),
        account_number=command.account_number,
        visit_id=command.visit_id,
        agent=agent,
        logged_at=at,
    )
