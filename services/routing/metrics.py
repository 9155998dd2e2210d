"""Routing's metrics, declared in one place."""

from __future__ import annotations

from prometheus_client import CollectorRegistry

from shared.metrics import Declare

__all__ = ["RoutingMetrics"]


class RoutingMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        new = Declare(registry)
        self.decisions = new.counter(
            "mo_routing_decisions_total",
            "Routing decisions by department and outcome (routed, referred, unroutable, manual).",
            ["department", "outcome"],
        )
        self.unroutable = new.gauge(
            "mo_routing_unroutable_requests",
            "Requests no rule matched, waiting for an operator's triage.",
        )
        self.reopened = new.counter(
            "mo_routing_reopened_total",
            "Resolved requests reopened because the resident said they were not fixed.",
            ["department"],
        )
        self.overdue = new.gauge(
            "mo_routing_overdue_requests",
            "Open requests past their due time (the category's service standard).",
            ["department", "priority"],
        )
        self.within_standard = new.gauge(
            "mo_routing_within_standard_ratio",
            "Share of this month's requests resolved within the service standard.",
            ["department"],
        )
        self.decision_seconds = new.histogram(
            "mo_routing_decision_seconds",
            "Time from a request being logged to routing deciding it.",
            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
        )
