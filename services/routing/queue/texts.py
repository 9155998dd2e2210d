"""What the queue's pages call things: statuses, causes, priorities, departments, categories
and who did a step, in the words team members use, and references grouped as residents read
them; a refused save in plain words, naming the fields as the forms label them. The values
the forms send stay the codes."""

from __future__ import annotations

from typing import Final

from pydantic import ValidationError

from shared.catalogue import CATEGORIES, DEPARTMENTS
from shared.contracts.common import RequestStatus
from shared.contracts.routing import Cause, Priority
from shared.reference import format_for_reading
from shared.refusals import Refusal

__all__ = [
    "FILTERS",
    "category_name",
    "cause_name",
    "department_name",
    "grouped",
    "priority_name",
    "short",
    "status_name",
    "who",
    "why_refused",
]

_S = RequestStatus
STATUS_NAMES: Final = {
    _S.LOGGED.value: "Logged",
    _S.ROUTED.value: "New",
    _S.ACKNOWLEDGED.value: "Acknowledged",
    _S.IN_PROGRESS.value: "In progress",
    _S.RESOLVED.value: "Resolved",
    _S.CLOSED.value: "Closed",
    _S.REFERRED.value: "Referred elsewhere",
    _S.UNROUTABLE.value: "Waiting for triage",
}
CAUSE_NAMES: Final = {
    Cause.FIXED.value: "Fixed",
    Cause.NO_FURTHER_ACTION.value: "No further action (say why)",
    Cause.NOT_RESPONSIBLE.value: "Not the City's responsibility (say whose)",
    Cause.DUPLICATE.value: "Duplicate of another request (give its reference)",
    Cause.REFERRED.value: "Referred to another body",
}
PRIORITY_NAMES: Final = {p.value: p.value.capitalize() for p in Priority}
DEPARTMENT_NAMES: Final = {d.slug: d.name for d in DEPARTMENTS}
CATEGORY_NAMES: Final = {c.code: c.name_en for c in CATEGORIES}


def status_name(code: object) -> str:
    value = getattr(code, "value", code)
    return STATUS_NAMES.get(str(value), str(value))


def cause_name(code: str) -> str:
    return CAUSE_NAMES.get(code, code)


def priority_name(code: object) -> str:
    value = getattr(code, "value", code)
    return PRIORITY_NAMES.get(str(value), str(value or ""))


def department_name(slug: str | None) -> str:
    return DEPARTMENT_NAMES.get(slug or "", slug or "")


def category_name(code: str) -> str:
    return CATEGORY_NAMES.get(code, code)


def who(by: str) -> str:
    """Who did a step of a request's history."""
    if by.startswith("rule ") and by[5:].isdigit():
        return f"routing rule {by[5:]} (automatic)"
    if by == "routing":
        return "routing (no rule matched)"
    if by == "operators":
        return "the operators"
    person, _, team = by.rpartition("@")
    if person:  # a team member's own credential
        return f"{person} ({department_name(team)})"
    return DEPARTMENT_NAMES.get(by, by)


def grouped(reference: str) -> str:
    """`6564397117` as residents read it: `656 439 7117`."""
    return format_for_reading(reference) if len(reference) == 10 else reference


def short(text: str, length: int = 90) -> str:
    """The start of a description, cut at a word, for a row of the list."""
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    return text[:length].rsplit(" ", 1)[0] + "…"


FILTERS: Final = {
    "status_name": status_name,
    "cause_name": cause_name,
    "priority_name": priority_name,
    "department_name": department_name,
    "category_name": category_name,
    "who": who,
    "grouped": grouped,
    "short": short,
}
"""The pages' Jinja filters."""


# --- a refused save, in plain words --------------------------------------------------------

_LABELS: Final = {  # the forms' fields, as their labels name them
    "status": "New status",
    "note": "Note",
    "public": "Show the note to the resident",
    "cause": "Cause",
    "reason": "Reason",
    "responsible": "Who is responsible",
    "duplicate_of": "Reference it repeats",
    "department": "Department",
    "priority": "Priority",
    "target_hours": "Target hours",
}
_PLAIN: Final = {  # what a refusal of these fields asks the person to do, in plain words
    "department": "choose a Department",
    "reason": "write the reason no further action will be taken",
    "responsible": "say who is responsible, so the resident can go there",
    "duplicate_of": "give the 10-digit reference of another open or resolved request of the "
    "same category, the one this request repeats",
}


def why_refused(refused: ValidationError | Refusal, status: str = "") -> tuple[int, str]:
    """A refusal in plain words, naming the fields as the form labels them."""
    if isinstance(refused, ValidationError):
        said = [
            _plain(str(e["loc"][0]) if e["loc"] else "", e["msg"], status) for e in refused.errors()
        ]
        return 422, "; ".join(dict.fromkeys(said))
    return refused.status, _plain(refused.field or "", str(refused), status)


def _plain(field: str, why: str, status: str) -> str:
    if field == "cause" and status in ("resolved", "closed") and "required" in why:
        return f"choose a Cause: to mark it {status}, say why"
    if field in _PLAIN and ("required" in why or field in ("duplicate_of", "department")):
        return _PLAIN[field]
    return f"{_LABELS[field]}: {why}" if field in _LABELS else why
