"""What the queue's pages call things: statuses, causes, priorities, departments, categories
and who did a step, in the words team members use, and references grouped as residents read
them; a refused save in plain words, naming the fields as the forms label them. The values
the forms send stay the codes."""

from __future__ import annotations

from typing import Final

from pydantic import ValidationError

from services.routing.queue.domain import Step
from shared.catalogue import CATEGORIES, DEPARTMENTS
from shared.contracts.common import RequestStatus
from shared.contracts.routing import Cause, Priority
from shared.reference import format_for_reading
from shared.refusals import Conflict, Refusal

__all__ = [
    "FILTERS",
    "PAPER_STATES",
    "SAVED",
    "beside_field",
    "category_name",
    "cause_name",
    "department_name",
    "grouped",
    "history_lines",
    "list_heading",
    "not_yours",
    "priority_name",
    "short",
    "status_name",
    "whereabouts",
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
    _S.MORE_INFORMATION_NEEDED.value: "More information needed",
    _S.APPROVED.value: "Approved",
    _S.DECLINED.value: "Declined",
    _S.WITHDRAWN.value: "Withdrawn",
}
PAPER_STATES: Final = {  # an application's paper on the checklist (queue/domain.py Checked)
    "attached": "photo attached",
    "seen": "seen in person",
    "will_bring": "will bring",
    "missing": "missing",
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
    "paper_state": lambda state: PAPER_STATES.get(state, state),
}
"""The pages' Jinja filters."""


SAVED: Final = {  # the confirmation after a save (POST, then a redirect here, then GET)
    "note": "Saved: your note is in the history. The status stays as it was.",
    "status": "Saved: the request's status is changed, with your note.",
    "assigned": "Assigned: the request is with the department shown below.",
    "public": "Made public: residents and Open311 will see this photo.",
}


# --- a refused save, in plain words --------------------------------------------------------

_LABELS: Final = {  # the forms' fields, as their labels name them
    "status": "New status",
    "note": "Note",
    "public": "Show the note to the resident",
    "cause": "Cause",
    "reason": "Reason",
    "responsible": "Who is responsible",
    "duplicate_of": "Reference it repeats",
    "missing": "What to ask for",
    "valid_until": "Valid until",
    "decline_reason": "Decline reason",
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
    if isinstance(refused, Conflict):  # about the request's state, said whole already
        return refused.status, str(refused)
    return refused.status, _plain(refused.field or "", str(refused), status)


def _plain(field: str, why: str, status: str) -> str:
    if field in ("reason", "decline_reason") and status == "declined":
        return "choose a Decline reason: to decline, say why"
    if field == "missing" and status == "more_information_needed" and "required" in why:
        return "tick what the resident must still bring in What to ask for"
    if field == "missing" and status != "more_information_needed":
        return "What to ask for goes with More information needed: choose it, or untick them"
    if field == "cause" and status in ("resolved", "closed") and "required" in why:
        return f"choose a Cause: to mark it {status}, say why"
    asks_for_one = "required" in why or field == "duplicate_of" or why == "is not a department"
    if field in _PLAIN and asks_for_one:
        return _PLAIN[field]
    return f"{_LABELS[field]}: {why}" if field in _LABELS else why


def beside_field(refused: ValidationError | Refusal, why: str, status: str = "") -> tuple[str, str]:
    """Which field a refusal is about and what to say beside it, so the page marks that
    field, puts the words next to it and puts the cursor there ("" and "": none). Declining
    sends the decline reason as `reason`: its refusal goes beside that select."""
    if isinstance(refused, ValidationError):
        located = [e["loc"] for e in refused.errors() if e["loc"]]
        field = str(located[0][0]) if located else ""
    else:
        field = refused.field or ""
    if field == "reason" and status == "declined":
        field = "decline_reason"
    return (field, why[:1].upper() + why[1:] + ".") if field else ("", "")


def list_heading(team: str, operator: bool) -> str:
    return "Every department" if operator else f"{department_name(team)}: open requests"


def not_yours(reference: str) -> str:
    return (
        f"Request {grouped(reference)} is with another department: only that department "
        "and the operators may open it."
    )


def whereabouts(held: tuple[str | None, object] | None) -> str:
    """Where a sought reference the team may not open is, in words: its department and its
    status, nothing more of it (the team may not read it)."""
    if held is None:
        return ""
    department, status = held
    holder = department_name(department) if department else "the operators (triage)"
    return f"That request is with {holder} ({status_name(status)}): ask them about it."


ENDINGS: Final = (_S.RESOLVED.value, _S.CLOSED.value)


def history_lines(steps: list[Step], status: str, cause: str | None) -> list[tuple[Step, str]]:
    """Each step of a request's history with what happened, in words. A step under the
    status before it is a note (the status did not change); the request's latest resolution
    or closure shows its cause (the only one stored: an earlier one's cause is not kept); a
    hand assignment says who assigned it (which department it moved from is not stored)."""
    last_ending = -1  # the step that resolved or closed it the latest time, if it is so now
    if status in ENDINGS:
        last_ending = max((n for n, s in enumerate(steps) if s.status == status), default=-1)
        while last_ending > 0 and steps[last_ending - 1].status == status:
            last_ending -= 1  # the steps after it under the same status are notes
    lines: list[tuple[Step, str]] = []
    for number, step in enumerate(steps):
        if step.status == _S.ROUTED.value and step.by.rpartition("@")[2] == "operators":
            what = "Assigned"  # also again, to another department: not a note
        elif number and steps[number - 1].status == step.status:
            what = "Note"
        else:
            what = status_name(step.status)
            if number == last_ending and cause:
                # The cause without the form's hint ("Fixed"; "No further action").
                what += f" ({cause_name(cause).split(' (')[0]})"
        joined = " by" if what in ("Note", "Assigned") else ", by"
        lines.append((step, f"{what}{joined} {who(step.by)}"))
    return lines
