"""Routing's use cases: decide where a logged request goes, take departments' progress, let
operators assign what no rule matched and change the rules. Each one is a single transaction
with its outbox rows."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.routing import store
from services.routing.domain import Rule, decide, due_at, transition_refusal
from services.routing.rulebook import RuleError, load_seed, validate_rules
from shared.consumer import AfterCommit
from shared.contracts.common import RequestStatus, UpdatesBy
from shared.contracts.requests import Location, RequestLogged
from shared.contracts.routing import (
    Priority,
    RequestAssigned,
    RequestRouted,
    RequestUnroutable,
    RoutingOutcome,
    StatusChanged,
)
from shared.events import CloudEvent, new_event
from shared.outbox import enqueue
from shared.store import Database
from shared.topics import REQUESTS_ROUTED, REQUESTS_STATUS, EventType, department_topic, source

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

    async def apply_logged(self, conn: AsyncConnection, event: CloudEvent) -> AfterCommit | None:
        logged = event.data_as(RequestLogged)
        if await store.find_request(conn, logged.reference) is not None:
            return None  # the same request under another event id: decided already
        now = self.clock()
        rules = await self.rulebook.rules(conn)
        rule = decide(
            rules,
            logged.category,
            logged.location.area,
            logged.location.community,
            logged.description,
        )
        resident = logged.resident
        contactable = resident is not None and resident.updates_by is not UpdatesBy.NONE
        await conn.execute(
            store.requests.insert().values(
                reference=logged.reference,
                category=logged.category,
                area=logged.location.area.value,
                community=logged.location.community,
                description=logged.description,
                location=logged.location.model_dump(mode="json"),
                resident_contactable=contactable,
                status=RequestStatus.LOGGED.value,
                logged_at=logged.logged_at,
                updated_at=now,
            )
        )
        if rule is None:
            await self._unroutable(conn, logged, now)
            department, outcome = "none", "unroutable"
        elif rule.refers:
            await self._refer(conn, logged, rule, now)
            department, outcome = "none", "referred"
        else:
            await self._assign(conn, logged.reference, rule, now, by=f"rule {rule.id}")
            department, outcome = str(rule.department), "routed"
        latency = (now - logged.logged_at).total_seconds()

        def count() -> None:
            self.metrics.decisions.labels(department, outcome).inc()
            self.metrics.decision_seconds.observe(max(0.0, latency))
            if outcome == "unroutable":
                self.metrics.unroutable.inc()

        return count

    async def _assign(
        self,
        conn: AsyncConnection,
        reference: str,
        rule: Rule,
        now: datetime,
        by: str,
        note: str | None = None,
    ) -> None:
        request = await store.find_request(conn, reference)
        assert request is not None and rule.department is not None
        due = due_at(request.logged_at, rule)
        await store.set_status(
            conn,
            reference,
            RequestStatus.ROUTED,
            now,
            by,
            note,
            department=rule.department,
            priority=rule.priority.value,
            due_at=due,
            rule_id=rule.id,
        )
        assigned = RequestAssigned(
            reference=reference,
            category=request.category,
            description=request.description,
            location=Location.model_validate(request.location),
            department=rule.department,
            priority=rule.priority,
            due_at=due,
            resident_contactable=request.resident_contactable,
            logged_at=request.logged_at,
            note=note,
        )
        await enqueue(
            conn,
            store.outbox,
            department_topic(rule.department),
            new_event(EventType.REQUEST_ASSIGNED, SOURCE, reference, assigned, now),
        )
        routed = RequestRouted(
            reference=reference,
            category=request.category,
            area=request.area,
            community=request.community,
            outcome=RoutingOutcome.ROUTED,
            status=RequestStatus.ROUTED,
            department=rule.department,
            priority=rule.priority,
            due_at=due,
            decided_at=now,
        )
        await enqueue(
            conn,
            store.outbox,
            REQUESTS_ROUTED,
            new_event(EventType.REQUEST_ROUTED, SOURCE, reference, routed, now),
        )

    async def _refer(
        self, conn: AsyncConnection, logged: RequestLogged, rule: Rule, now: datetime
    ) -> None:
        await store.set_status(
            conn,
            logged.reference,
            RequestStatus.REFERRED,
            now,
            f"rule {rule.id}",
            rule.refer_note,
            rule_id=rule.id,
        )
        routed = RequestRouted(
            reference=logged.reference,
            category=logged.category,
            area=logged.location.area,
            community=logged.location.community,
            outcome=RoutingOutcome.REFERRED,
            status=RequestStatus.REFERRED,
            department=None,
            note=rule.refer_note,
            decided_at=now,
        )
        await enqueue(
            conn,
            store.outbox,
            REQUESTS_ROUTED,
            new_event(EventType.REQUEST_ROUTED, SOURCE, logged.reference, routed, now),
        )

    async def _unroutable(
        self, conn: AsyncConnection, logged: RequestLogged, now: datetime
    ) -> None:
        reason = (
            f"no routing rule for category {logged.category} in "
            f"{logged.location.community} ({logged.location.area.value})"
        )
        await store.set_status(
            conn, logged.reference, RequestStatus.UNROUTABLE, now, "routing", reason
        )
        log.warning("unroutable reference=%s: %s", logged.reference, reason)
        unroutable = RequestUnroutable(
            reference=logged.reference,
            category=logged.category,
            area=logged.location.area,
            community=logged.location.community,
            reason=reason,
            decided_at=now,
        )
        await enqueue(
            conn,
            store.outbox,
            REQUESTS_ROUTED,
            new_event(EventType.REQUEST_UNROUTABLE, SOURCE, logged.reference, unroutable, now),
        )

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
            await self._assign(conn, reference, rule, self.clock(), by=operator, note=note)
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
