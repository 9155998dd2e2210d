"""Routing's use cases: decide where a logged request goes, take departments' progress, let
operators assign what no rule matched and change the rules. Each one is a single transaction
with its outbox rows."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.routing import store
from services.routing.decisions import Decision, RequestFacts, decision
from services.routing.domain import Rule, decide, transition_refusal
from services.routing.rulebook import RuleError, load_seed, validate_rules
from shared.consumer import AfterCommit
from shared.contracts.common import RequestStatus
from shared.contracts.requests import Location, RequestLogged
from shared.contracts.routing import (
    Priority,
    StatusChanged,
)
from shared.events import CloudEvent, new_event
from shared.outbox import enqueue, enqueue_many
from shared.store import Database
from shared.topics import REQUESTS_STATUS, EventType, source

__all__ = ["Conflict", "NotFound", "Routing", "RoutingMetrics", "RuleBook"]

log = logging.getLogger(__name__)
SOURCE = source("routing")


class NotFound(Exception):
    pass


class Conflict(Exception):
    """The change contradicts the request's state; the message says why."""


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
        self.decision_seconds = Histogram(
            "mo_routing_decision_seconds",
            "Time from a request being logged to routing deciding it.",
            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
            registry=registry,
        )


class RuleBook:
    """The active rules, read from the store and re-read every `ttl` seconds so a rule changed
    through another replica takes effect here too."""

    def __init__(self, ttl: float = 5.0) -> None:
        self._ttl = ttl
        self._rules: list[Rule] = []
        self._loaded_at = float("-inf")

    async def rules(self, conn: AsyncConnection) -> list[Rule]:
        if time.monotonic() - self._loaded_at > self._ttl:
            self._rules = await store.active_rules(conn)
            self._loaded_at = time.monotonic()
        return self._rules

    def invalidate(self) -> None:
        self._loaded_at = float("-inf")


@dataclass
class Routing:
    db: Database
    rulebook: RuleBook
    metrics: RoutingMetrics
    clock: Callable[[], datetime]

    # --- consuming mo.requests.logged -------------------------------------------------------

    async def apply_logged(
        self, conn: AsyncConnection, events: Sequence[CloudEvent]
    ) -> AfterCommit | None:
        """Decide a run of logged requests, writing each table once for the whole run."""
        facts = [RequestFacts.from_logged(e.data_as(RequestLogged)) for e in events]
        known = set(
            await conn.scalars(
                select(store.requests.c.reference).where(
                    store.requests.c.reference.in_([f.reference for f in facts])
                )
            )
        )
        now = self.clock()
        by_category: dict[str, list[Rule]] = {}
        for active in await self.rulebook.rules(conn):
            by_category.setdefault(active.category, []).append(active)
        requests, history, messages, outcomes = [], [], [], []
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
            requests.append(_request_row(fact, made, now))
            history.append(
                {
                    "reference": fact.reference,
                    "status": made.status.value,
                    "at": now,
                    "by": f"rule {rule.id}" if rule else "routing",
                    "note": made.note,
                }
            )
            messages.extend(made.messages)
            latency = max(0.0, (now - fact.logged_at).total_seconds())
            outcomes.append((made.department or "none", made.outcome, latency))
            if made.outcome == "unroutable":
                log.warning("unroutable reference=%s: %s", fact.reference, made.note)
        if requests:
            await conn.execute(store.requests.insert(), requests)
            await conn.execute(store.status_history.insert(), history)
            await enqueue_many(conn, store.outbox, messages)

        def count() -> None:
            for department, outcome, latency in outcomes:
                self.metrics.decisions.labels(department, outcome).inc()
                self.metrics.decision_seconds.observe(latency)
                if outcome == "unroutable":
                    self.metrics.unroutable.inc()

        return count

    # --- departments and operators ------------------------------------------------------------

    async def report_status(
        self, reference: str, team: str, status: RequestStatus, note: str | None
    ) -> StatusChanged:
        async with self.db.transaction() as conn:
            request = await store.find_request(conn, reference, for_update=True)
            if request is None:
                raise NotFound(reference)
            if request.department != team:
                owner = request.department or "no department"
                raise Conflict(f"request {reference} is assigned to {owner}, not to {team}")
            refusal = transition_refusal(request.status, status)
            if refusal is not None:
                raise Conflict(refusal)
            now = self.clock()
            await store.set_status(conn, reference, status, now, team, note)
            changed = StatusChanged(
                reference=reference,
                status=status,
                previous_status=request.status,
                department=team,
                note=note,
                changed_at=now,
            )
            await enqueue(
                conn,
                store.outbox,
                REQUESTS_STATUS,
                new_event(EventType.REQUEST_STATUS_CHANGED, SOURCE, reference, changed, now),
            )
        log.info("status reference=%s %s -> %s by %s", reference, request.status, status, team)
        return changed

    async def assign_by_hand(
        self,
        reference: str,
        department: str,
        priority: Priority,
        target_hours: int,
        note: str | None,
        operator: str,
    ) -> None:
        """An operator's triage of a request no rule matched (or one to be re-routed before
        the department has started on it)."""
        async with self.db.transaction() as conn:
            request = await store.find_request(conn, reference, for_update=True)
            if request is None:
                raise NotFound(reference)
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
            now = self.clock()
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
            await enqueue_many(conn, store.outbox, made.messages)
        if request.status is RequestStatus.UNROUTABLE:
            self.metrics.unroutable.dec()
        self.metrics.decisions.labels(department, "manual").inc()

    async def unroutable_count(self) -> int:
        async with self.db.reading() as conn:
            count = await conn.scalar(
                select(func.count())
                .select_from(store.requests)
                .where(store.requests.c.status == RequestStatus.UNROUTABLE.value)
            )
        return int(count or 0)

    # --- rules ----------------------------------------------------------------------------------

    async def seed_rules(self, path: Path) -> int:
        """Load the seed file into an empty rules table; an existing table is left alone
        (rules change through the admin API after the first start). Raises RuleError."""
        async with self.db.transaction() as conn:
            existing = await store.active_rules(conn)
            if existing:
                validate_rules(existing)
                return 0
            if await conn.scalar(select(func.count()).select_from(store.rule_changes)):
                return 0  # every rule was retired on purpose: do not resurrect the seed
            specs = load_seed(path)
            now = self.clock()
            for spec in specs:
                await store.add_rule(
                    conn, spec.to_rule(), "seed", "seed", f"seeded from {path.name}", now
                )
        self.rulebook.invalidate()
        return len(specs)

    async def add_rule(self, rule: Rule, by: str, reason: str) -> int:
        async with self.db.transaction() as conn:
            existing = await store.active_rules(conn)
            try:
                validate_rules([*existing, rule])
            except RuleError as exc:
                raise Conflict(f"{exc}: retire the other rule first") from None
            rule_id = await store.add_rule(conn, rule, "create", by, reason, self.clock())
        self.rulebook.invalidate()
        log.info("rule %d added by %s: %s", rule_id, by, reason)
        return rule_id

    async def retire_rule(self, rule_id: int, by: str, reason: str) -> None:
        async with self.db.transaction() as conn:
            if await store.retire_rule(conn, rule_id, by, reason, self.clock()) is None:
                raise NotFound(str(rule_id))
        self.rulebook.invalidate()
        log.info("rule %d retired by %s: %s", rule_id, by, reason)


def _request_row(fact: RequestFacts, made: Decision, now: datetime) -> dict[str, object]:
    return {
        "reference": fact.reference,
        "category": fact.category,
        "area": fact.area.value,
        "community": fact.community,
        "description": fact.description,
        "location": fact.location.model_dump(mode="json"),
        "resident_contactable": fact.resident_contactable,
        "status": made.status.value,
        "department": made.department,
        "priority": made.priority.value if made.priority else None,
        "due_at": made.due_at,
        "rule_id": made.rule_id,
        "note": made.note,
        "logged_at": fact.logged_at,
        "updated_at": now,
    }


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
