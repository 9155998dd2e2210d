"""The work queue's rules: who sees which requests, and when one is overdue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any, Final

from services.routing.attachments.domain import Attachment
from services.routing.work.domain import (
    OPEN,
    TRANSITIONS,
    RoutedRequest,
    months_after,
    transition_refusal,
)
from shared.contracts.common import RequestStatus
from shared.credentials import Role
from shared.service_catalogue import Question, Service, warnings_for
from shared.staff.sessions import LASTS, NotSignedIn, PageSession, member_of

__all__ = [
    "LASTS",
    "PAGE_SIZE",
    "Checked",
    "NotSignedIn",
    "Order",
    "PageSession",
    "QueueFilter",
    "RequestFile",
    "Step",
    "answer_lines",
    "application",
    "checklist",
    "held_elsewhere",
    "member_of",
    "next_statuses",
    "overdue",
    "queue_key",
    "scope",
]


@dataclass(frozen=True, slots=True)
class QueueFilter:
    department: str | None = None  # None: every department (operators)
    area: str | None = None
    community: str | None = None
    category: str | None = None
    status: str | None = None  # None: the open ones
    priority: str | None = None
    overdue: bool = False  # only the open ones past their due time
    reference: str | None = None  # the references starting with these digits, any status


class Order(StrEnum):
    """How the queue's page sorts: soonest due (reopened ones first), newest logged, or most
    recently updated."""

    DUE = "due"
    NEWEST = "newest"
    UPDATED = "updated"


PAGE_SIZE: Final = 50


@dataclass(frozen=True, slots=True)
class Step:
    status: str
    at: datetime
    by: str
    note: str | None


def queue_key(request: RoutedRequest) -> list[str]:
    """Where a request stands in the queue: soonest due first, then by reference."""
    due = request.due_at.isoformat() if request.due_at else "9999"
    return [due, request.reference]


@dataclass(frozen=True, slots=True)
class RequestFile:
    request: RoutedRequest
    history: list[Step]
    duplicates: list[str]
    affected: int  # residents: its own, those joined to it, and those of its duplicates
    cause: str | None = None  # why it was resolved or closed, the latest time
    service: Service | None = None  # an application's, from the catalogue


def scope(chosen: QueueFilter, team: str, role: Role) -> QueueFilter:
    """A department's view is its own requests whatever it asks; an operator's is any."""
    if role is Role.OPERATOR:
        return chosen
    return replace(chosen, department=team)


def held_elsewhere(
    chosen: QueueFilter, sought: RoutedRequest | None
) -> tuple[str | None, RequestStatus] | None:
    """Who holds a whole reference a team sought and did not find among its own (its
    department, None for the operators; its status), so the team knows it exists and whom to
    ask rather than thinking the resident misheard it. Nothing else of it: it is not theirs."""
    if sought is None or sought.department == chosen.department:
        return None
    return sought.department, sought.status


def overdue(request: RoutedRequest, now: dt.datetime) -> bool:
    return bool(request.due_at and request.due_at < now and request.status.value in OPEN)


def next_statuses(request: RoutedRequest) -> list[RequestStatus]:
    """What the request's department may move it on to: an application is decided, never
    resolved; a fault report is never decided."""
    application = request.service is not None
    return [
        s
        for s in RequestStatus
        if s in TRANSITIONS[request.status]
        and transition_refusal(request.status, s, application) is None
    ]


# --- an application, as its department checks it ------------------------------------------


def answer_lines(service: Service | None, answers: dict[str, object]) -> list[tuple[str, str]]:
    """Each answer as (the question's English label, the value in words), in the service's
    order; an answer to a question no longer asked keeps its code."""
    questions = service.questions if service else ()
    order = [q.code for q in questions if q.code in answers]
    order += [code for code in answers if code not in order]
    found = {q.code: q for q in questions}
    return [
        (found[c].label.en if c in found else c, _words(found.get(c), answers[c])) for c in order
    ]


def _words(question: Question | None, value: object) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    names = {choice.key: choice.name.en for choice in question.values} if question else {}
    if isinstance(value, list):
        return ", ".join(names.get(str(v), str(v)) for v in value)
    if isinstance(value, int | float):
        whole = isinstance(value, float) and value.is_integer()
        return f"{int(value):,}" if whole else f"{value:,}"
    return names.get(str(value), str(value))


@dataclass(frozen=True, slots=True)
class Checked:
    """One of an application's papers on the checklist: its state is `attached` (a photo of
    it, or of a paper accepted instead), `seen` (in person), `will_bring` or `missing`."""

    code: str
    name: str
    required: bool
    state: str
    shown_as: str | None = None  # the paper accepted instead that was shown or will be
    attachment_id: str | None = None
    asked: bool = False  # asked for (more information needed)


def checklist(
    service: Service,
    papers: Mapping[str, str],
    photographed: dict[str, str],
    asked: list[str],
) -> list[Checked]:
    """Each of the service's documents with its state; `photographed`: the attachment that
    shows each paper (by its code), `asked`: the codes asked for."""
    found: list[Checked] = []
    for document in service.documents:
        codes = [document.code, *(a.code for a in document.alternatives)]
        names = {document.code: None} | {a.code: a.name.en for a in document.alternatives}
        photo = next((c for c in codes if c in photographed), None)
        noted = next((c for c in codes if c in papers), None)
        shown = photo or noted
        state = "attached" if photo else papers[noted] if noted else "missing"
        found.append(
            Checked(
                document.code,
                document.name.en,
                document.required,
                state,
                names.get(shown) if shown else None,
                photographed.get(photo) if photo else None,
                bool(set(codes) & set(asked)),
            )
        )
    return found


def application(found: RequestFile, attached: list[Attachment], today: dt.date) -> dict[str, Any]:
    """What the request page shows of an application (nothing for a fault report): its
    service, the answers in words and the warnings they raise, the papers checklist, what
    was asked for, and what the decision form offers."""
    r, service = found.request, found.service
    if r.service is None:
        return {}
    answers = r.answers or {}
    shown = {a.document: a.attachment_id for a in attached if a.kind == "document" and a.document}
    asking = r.missing or [] if r.status is RequestStatus.MORE_INFORMATION_NEEDED else []
    askable = [(d.code, d.name.en) for d in service.documents] if service else []
    askable += [(q.code, q.label.en) for q in service.questions] if service else []
    reasons = {x.code: x.name.en for x in service.decline_reasons} if service else {}
    months = service.valid_for_months if service else None
    until = months_after(today, months).isoformat() if months else ""
    return {
        "name": service.name.en if service else f"{r.service} (no longer in the catalogue)",
        "answers": answer_lines(service, answers),
        "warnings": [w.message.en for w in warnings_for(service, answers)] if service else [],
        "papers": checklist(service, r.papers or {}, shown, asking) if service else [],
        "asked": [name for code, name in askable if code in asking]
        + [_named(service, code) for code in asking if code not in dict(askable)],
        "askable": askable,
        "reasons": list(reasons.items()),
        "reason": reasons.get(r.decline_reason or "", r.decline_reason),
        "lasts": _lasts(months, until),
        "paper_names": {c: w.en for c in shown if service and (w := service.words_for(c))},
    }


def _named(service: Service | None, code: str) -> str:
    """A paper's (or one accepted instead) or a question's English words, else its code."""
    words = service.words_for(code) if service else None
    return words.en if words else code


def _lasts(months: int | None, until: str) -> str:
    """How long an approval holds when the team gives no date, in words."""
    return f"{months} months, until {until}" if months else "until the next general valuation"
