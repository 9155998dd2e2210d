"""Logging a request, as rules: what a logged request announces and writes, when two bodies
are the same request, and what a follow-up says while a request waits for triage. No I/O."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any, Final

from pydantic import BaseModel

from services.intake.public.domain import public_text
from services.intake.requests.schemas import EligibilityWarning, NewRequest, RequestCreated
from shared.contracts.common import RequestStatus
from shared.contracts.requests import RequestChannel, RequestLogged
from shared.refusals import Refusal
from shared.service_catalogue import Answers, Kind, Service, warnings_for

__all__ = [
    "IDEMPOTENCY_TTL",
    "UNROUTABLE_NOTE",
    "IdempotencyConflict",
    "Staged",
    "eligibility_warnings",
    "fingerprint",
    "key_row",
    "public_note",
    "request_channel",
    "request_row",
]

IDEMPOTENCY_TTL: Final = dt.timedelta(hours=24)
"""How long an Idempotency-Key is remembered: a field app retries within minutes, and a hash
of every body kept for ever serves no one (POPIA s14)."""

UNROUTABLE_NOTE: Final = "waiting for the Mobile Office team to choose the right department"


class IdempotencyConflict(Refusal):
    """The Idempotency-Key was already used for a different body (or upload): a 422."""

    status = 422
    code = "idempotency_key_reused"

    def __init__(self, sent: str = "body") -> None:
        message = f"this Idempotency-Key was already used with a different {sent}: use a new key"
        super().__init__(message, "Idempotency-Key")


def public_note(note: str | None, marked_public: bool) -> str | None:
    """What the resident's follow-up page may show of a department's note: only what the team
    marked public, and never a note with a phone number or e-mail address in it (a team
    may write down whom they spoke to; the page is open to anyone with the reference)."""
    if note is None or not marked_public:
        return None
    return public_text(note)  # the one rule of everything public (public/domain.py)


def fingerprint(body: BaseModel) -> str:
    """Equal for the same request sent twice (a retry), different for any other."""
    return hashlib.sha256(body.model_dump_json().encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Staged:
    """A request checked and ready to write."""

    reference: str
    command: NewRequest
    service: Service  # the catalogue's, which the category follows from
    answers: Answers  # as checked: an application's, none for a fault report
    agent: str
    key: str | None
    body_sha256: str
    device: str | None
    taken_at: dt.datetime
    now: dt.datetime
    channel: str

    @property
    def category(self) -> str:
        return self.service.category

    @property
    def is_application(self) -> bool:
        return self.service.kind is Kind.APPLICATION

    @property
    def leased(self) -> bool:
        """The reference is the device's leased number (the app sent it), to be marked used."""
        return self.command.reference is not None

    @property
    def event(self) -> RequestLogged:
        """The `request.logged` event: the one place a resident's contact details travel."""
        command, resident = self.command, self.command.resident
        return RequestLogged(
            reference=self.reference,
            category=self.category,
            description=command.description,
            location=command.location,
            resident=None if resident is None else resident.contact(),
            account_number=command.account_number,
            visit_id=command.visit_id,
            agent=self.agent,
            logged_at=self.taken_at,
            service=self.service.code if self.is_application else None,
            answers=self.answers or None,
            papers=command.papers or None,
            channel=request_channel(self.channel, command.visit_id),
        )

    @property
    def answer(self) -> RequestCreated:
        """What the agent is told: the request's reference, logged now."""
        return RequestCreated(
            reference=self.reference,
            status=RequestStatus.LOGGED,
            category=self.category,
            service=self.service.code,
            created_at=self.now,
            warnings=eligibility_warnings(self.service, self.answers),
        )


def request_channel(channel: str, visit_id: str | None) -> RequestChannel:
    """How a request came, as request.logged says it: intake's stored `channel`
    (mobile-office or open311) and whether the field app logged it at a visit."""
    if channel == "open311":
        return "open311"
    return "visit" if visit_id else "field-app"


def eligibility_warnings(service: Service, answers: Answers) -> list[EligibilityWarning]:
    """What the agent is told of answers that make the resident ineligible."""
    found = warnings_for(service, answers)
    return [EligibilityWarning(code=w.code, message=w.message) for w in found]


def request_row(staged: Staged) -> dict[str, Any]:
    """The row of `requests` a new request is."""
    command, resident = staged.command, staged.command.resident
    return {
        "channel": staged.channel,
        "reference": staged.reference,
        "category": staged.category,
        "service": staged.service.code if staged.is_application else None,
        "area": command.location.area.value,
        "community": command.location.community,
        "description": command.description,
        "lat": command.location.lat,
        "lon": command.location.lon,
        "visit_id": command.visit_id,
        "agent": staged.agent,
        "privacy_notice_version": resident.notice_heard if resident else None,
        "status": RequestStatus.LOGGED.value,
        "created_at": staged.taken_at,
        "updated_at": staged.taken_at,
    }


def key_row(staged: Staged) -> dict[str, Any]:
    """The row of `idempotency_keys` that remembers the request's key."""
    return {
        "agent": staged.agent,
        "key": staged.key,
        "body_sha256": staged.body_sha256,
        "reference": staged.reference,
        "created_at": staged.now,
    }
