"""Scheduling's metrics: visits announced, and per community the days since its last visit and
its open requests (what the planner weighs)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry

from shared.metrics import Declare

__all__ = ["SchedulingMetrics"]


class SchedulingMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        new = Declare(registry)
        self.visits = new.counter(
            "mo_scheduling_visits_total",
            "Visits announced, by area and status.",
            ["area", "status"],
        )
        self.days_since = new.gauge(
            "mo_scheduling_days_since_last_visit",
            "Days since each community's last visit.",
            ["community"],
        )
        self.open_requests = new.gauge(
            "mo_scheduling_open_requests", "Open requests per community.", ["community"]
        )
