"""Routing's decisions: where each logged request goes (a run of them at a time, from the
bus), and operators' triage of what no rule matched (the list, and assigning by hand). Each is
one transaction with its outbox rows."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from services.routing import store
from services.routing.decisions import store as decided
from services.routing.decisions.domain import (
    Decision,
    DecisionKind,
    RequestFacts,
    decision,
    with_decision_days,
)
from services.routing.deps import RoutingDeps
from services.routing.rules.domain import Rule, decide
from services.routing.work.domain import RoutedRequest
from shared.auth import Caller
from shared.consumer import AfterCommit, Batch
from shared.contracts.common import RequestStatus
from shared.contracts.requests import RequestLogged
from shared.contracts.routing import Priority
from shared.refusals import Conflict
from shared.use_case import UnitOfWork

__all__ = [
    "CountUnroutable",
    "HandAssignment",
    "Triage",
    "assign_by_hand",
    "decide_logged",
    "triage",
    "unroutable_count",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class HandAssignment:
    """An operator's triage of a request no rule matched (or one to be re-routed before the
    department has started on it)."""

    reference: str
    department: str
    priority: Priority
    target_hours: int
    note: str | None
    operator: str


@dataclass(frozen=True, slots=True)
class Triage:
    """A page of `limit` requests in `status`, oldest first, from after the `triage_key`
    `after` (and one more when there is a next page); the read is audited as `reader`'s."""

    status: RequestStatus
    limit: int
    reader: Caller
    after: list[Any] | None = None


@dataclass(frozen=True, slots=True)
class CountUnroutable:
    """How many requests wait for an operator's triage."""


async def decide_logged(
    command: Batch[RequestLogged], uow: UnitOfWork, deps: RoutingDeps
) -> AfterCommit:
    """Decide a run of logged requests, writing each table once for the whole run."""
    facts = [RequestFacts.from_logged(item.data) for item in command]
    now = deps.clock()
    rows, history, counted = [], [], []
    announced: list[tuple[BaseModel, str]] = []
    async with uow.transaction() as conn:
        known = await decided.known_references(conn, [f.reference for f in facts])
        by_category: dict[str, list[Rule]] = {}
        for active in await deps.rulebook.rules(conn):
            by_category.setdefault(active.category, []).append(active)
        for fact in facts:
            if fact.reference in known:
                continue  # the same request under another event id: decided already
            known.add(fact.reference)
            matched = decide(
                by_category.get(fact.category, ()),
                fact.category,
                fact.area,
                fact.community,
                fact.description,
            )
            rule = with_decision_days(matched, deps.catalogue.find(fact.service or ""))
            made = decision(fact, rule, now)
            rows.append(decided.decided_row(fact, made, now))
            history.append(_first_step(fact, made, rule, now))
            announced.extend((data, fact.reference) for data in made.announcements)
            latency = max(0.0, (now - fact.logged_at).total_seconds())
            counted.append((made.department or "none", made.kind, latency))
            if made.kind is DecisionKind.UNROUTABLE:
                log.warning("unroutable reference=%s: %s", fact.reference, made.note)
        await decided.insert_decided(conn, rows, history)
        await deps.outbox.stage_all(conn, announced, at=now)

    def count() -> None:
        for department, kind, latency in counted:
            deps.metrics.decisions.labels(department, kind.value).inc()
            deps.metrics.decision_seconds.observe(latency)
            if kind is DecisionKind.UNROUTABLE:
                deps.metrics.unroutable.inc()

    return count


def _first_step(
    fact: RequestFacts, made: Decision, rule: Rule | None, now: datetime
) -> dict[str, object]:
    return {
        "reference": fact.reference,
        "status": made.status.value,
        "at": now,
        "by": f"rule {rule.id}" if rule else "routing",
        "note": made.note,
    }


async def assign_by_hand(command: HandAssignment, uow: UnitOfWork, deps: RoutingDeps) -> None:
    reference = command.reference
    async with uow.transaction() as conn:
        request = await store.locked_request(conn, reference)
        if request.status not in (RequestStatus.UNROUTABLE, RequestStatus.ROUTED):
            raise Conflict(
                f"request {reference} is {request.status.value}: only unroutable or newly "
                "routed requests can be assigned by hand"
            )
        if request.status is RequestStatus.ROUTED and request.department == command.department:
            raise Conflict(
                "the request is already with that department: choose another one", "department"
            )
        rule = Rule(
            category=request.category,
            department=command.department,
            priority=command.priority,
            target_hours=command.target_hours,
        )
        now = deps.clock()
        made = decision(RequestFacts.of(request), rule, now, command.note)
        routing = store.Routing(made.department, command.priority, made.due_at, rule_id=None)
        await store.set_status(
            conn, reference, made.status, now, command.operator, command.note, routing=routing
        )
        await deps.outbox.stage_all(conn, [(d, reference) for d in made.announcements], at=now)
    if request.status is RequestStatus.UNROUTABLE:
        deps.metrics.unroutable.dec()
    deps.metrics.decisions.labels(command.department, DecisionKind.MANUAL.value).inc()


async def triage(command: Triage, uow: UnitOfWork, deps: RoutingDeps) -> list[RoutedRequest]:
    async with uow.reading() as conn:
        found = await decided.requests_with_status(
            conn, command.status, command.limit + 1, command.after
        )
    shown = min(len(found), command.limit)
    await deps.record_read(uow, command.reader, "read triage list", shown)
    return found


async def unroutable_count(command: CountUnroutable, uow: UnitOfWork, deps: RoutingDeps) -> int:
    async with uow.reading() as conn:
        return await decided.count_with_status(conn, RequestStatus.UNROUTABLE)
