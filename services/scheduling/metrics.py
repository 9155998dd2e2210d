"""Scheduling's metrics: visits announced, and per community the days since its last visit and
its open requests (what the planner weighs)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge

__all__ = ["SchedulingMetrics"]


class SchedulingMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.visits = Counter(
            "mo_scheduling_visits_total",
            "Visits announced, by area and status.",
            ["area", "status"],
            registry=registry,
        )
        self.days_since = Gauge(
            "mo_scheduling_days_since_last_visit",
            "Days since each community's last visit.",
            ["community"],
            registry=registry,
        )
        self.open_requests = Gauge(
            "mo_scheduling_open_requests",
            "Open requests per community.",
            ["community"],
            registry=registry,
        )
