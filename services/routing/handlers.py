"""Routing's use cases on requests: decide where each logged request goes, take departments'
progress, let operators list and assign what no rule matched. Each is one transaction with
its outbox rows."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from sqlalchemy.ext.asyncio import AsyncConnection

from services.routing import store
from services.routing.decisions import Outcome, RequestFacts, decision
from services.routing.domain import Rule, decide
from services.routing.rules import RuleBook
from shared.consumer import AfterCommit, Received
from shared.contracts.common import RequestStatus
from shared.contracts.requests import Location, RequestLogged
from shared.contracts.routing import Priority
from shared.outbox import enqueue_many
from shared.refusals import Conflict, NotFound
from shared.store import Database
from shared.topics import source

__all__ = [
    "Ports",
    "RoutingMetrics",
    "apply_logged",
    "assign_by_hand",
    "existing_request",
    "triage",
    "unroutable_count",
]

log = logging.getLogger(__name__)
SOURCE = source("routing")


class RoutingMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.decisions = Counter(
            "mo_routing_decisions_total",
            "Routing decisions by department and outcome (routed, referred, unroutable, manual).",
            ["department", "outcome"],
            registry=registry,
        )
        self.unroutable = Gauge(
            "mo_routing_unroutable_requests",
            "Requests no rule matched, waiting for an operator's triage.",
            registry=registry,
        )
        self.reopened = Counter(
            "mo_routing_reopened_total",
            "Resolved requests reopened because the resident said they were not fixed.",
            ["department"],
            registry=registry,
        )
        self.overdue = Gauge(
            "mo_routing_overdue_requests",
            "Open requests past their due time (the category's service standard).",
            ["department", "priority"],
            registry=registry,
        )
        self.within_standard = Gauge(
            "mo_routing_within_standard_ratio",
            "Share of this month's requests resolved within the service standard.",
            ["department"],
            registry=registry,
        )
        self.decision_seconds = Histogram(
            "mo_routing_decision_seconds",
            "Time from a request being logged to routing deciding it.",
            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
            registry=registry,
        )


@dataclass(frozen=True, slots=True)
class Ports:
    clock: Callable[[], datetime]
    rulebook: RuleBook
    metrics: RoutingMetrics


async def apply_logged(
    conn: AsyncConnection, items: Sequence[Received[RequestLogged]], ports: Ports
) -> AfterCommit:
    """Decide a run of logged requests, writing each table once for the whole run."""
    facts = [RequestFacts.from_logged(item.data) for item in items]
    known = await store.known_references(conn, [f.reference for f in facts])
    now = ports.clock()
    by_category: dict[str, list[Rule]] = {}
    for active in await ports.rulebook.rules(conn):
        by_category.setdefault(active.category, []).append(active)
    rows, history, events, outcomes = [], [], [], []
    for fact in facts:
        if fact.reference in known:
            continue  # the same request under another event id: decided already
        known.add(fact.reference)
        rule = decide(
            by_category.get(fact.category, ()),
            fact.category,
            fact.area,
            fact.community,
            fact.description,
        )
        made = decision(fact, rule, now)
        rows.append(store.decided_row(fact, made, now))
        history.append(
            {
                "reference": fact.reference,
                "status": made.status.value,
                "at": now,
                "by": f"rule {rule.id}" if rule else "routing",
                "note": made.note,
            }
        )
        events.extend(made.events)
        latency = max(0.0, (now - fact.logged_at).total_seconds())
        outcomes.append((made.department or "none", made.outcome, latency))
        if made.outcome is Outcome.UNROUTABLE:
            log.warning("unroutable reference=%s: %s", fact.reference, made.note)
    await store.insert_decided(conn, rows, history)
    await enqueue_many(conn, store.outbox, events)

    def count() -> None:
        for department, outcome, latency in outcomes:
            ports.metrics.decisions.labels(department, outcome.value).inc()
            ports.metrics.decision_seconds.observe(latency)
            if outcome is Outcome.UNROUTABLE:
                ports.metrics.unroutable.inc()

    return count


async def assign_by_hand(
    db: Database,
    ports: Ports,
    reference: str,
    department: str,
    priority: Priority,
    target_hours: int,
    note: str | None,
    operator: str,
) -> None:
    """An operator's triage of a request no rule matched (or one to be re-routed before the
    department has started on it)."""
    async with db.transaction() as conn:
        request = await existing_request(conn, reference)
        if request.status not in (RequestStatus.UNROUTABLE, RequestStatus.ROUTED):
            raise Conflict(
                f"request {reference} is {request.status.value}: only unroutable or newly "
                "routed requests can be assigned by hand"
            )
        rule = Rule(
            category=request.category,
            department=department,
            priority=priority,
            target_hours=target_hours,
        )
        now = ports.clock()
        made = decision(_facts(request), rule, now, note)
        await store.set_status(
            conn,
            reference,
            made.status,
            now,
            operator,
            note,
            department=made.department,
            priority=priority.value,
            due_at=made.due_at,
            rule_id=None,
        )
        await enqueue_many(conn, store.outbox, made.events)
    if request.status is RequestStatus.UNROUTABLE:
        ports.metrics.unroutable.dec()
    ports.metrics.decisions.labels(department, Outcome.MANUAL.value).inc()


async def triage(
    db: Database, status: RequestStatus, limit: int, after: list[Any] | None
) -> list[store.RoutedRequest]:
    """Requests in `status` (unroutable ones by default, for operators), oldest first, from
    after the `store.triage_key` `after`."""
    async with db.reading() as conn:
        return await store.requests_with_status(conn, status, limit, after)


async def unroutable_count(db: Database) -> int:
    async with db.reading() as conn:
        return await store.count_with_status(conn, RequestStatus.UNROUTABLE)


async def existing_request(conn: AsyncConnection, reference: str) -> store.RoutedRequest:
    request = await store.find_request(conn, reference, for_update=True)
    if request is None:
        raise NotFound(f"routing has no request {reference}")
    return request


def _facts(request: store.RoutedRequest) -> RequestFacts:
    return RequestFacts(
        reference=request.reference,
        category=request.category,
        area=request.area,
        community=request.community,
        description=request.description,
        location=Location.model_validate(request.location),
        resident_contactable=request.resident_contactable,
        logged_at=request.logged_at,
    )
