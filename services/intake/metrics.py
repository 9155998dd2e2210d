"""Intake's own metrics, declared in one place (shared/service.py adds HTTP's and the bus's)."""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter

__all__ = ["IntakeMetrics"]


@dataclass(frozen=True, slots=True)
class IntakeMetrics:
    logged_total: Counter

    @classmethod
    def register(cls, registry: CollectorRegistry) -> IntakeMetrics:
        return cls(
            logged_total=Counter(
                "mo_intake_requests_logged_total",
                "Requests logged, by category and area.",
                ["category", "area"],
                registry=registry,
            )
        )

    def logged(self, category: str, area: str) -> None:
        self.logged_total.labels(category, area).inc()
