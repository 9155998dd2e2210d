"""Notifications' metrics, declared in one place: what was sent, given up on, waiting, and
how long it took."""

from __future__ import annotations

from prometheus_client import CollectorRegistry

from shared.metrics import Declare

__all__ = ["NotificationMetrics"]


class NotificationMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        new = Declare(registry)
        self.sent = new.counter(
            "mo_notifications_sent_total",
            "Messages a channel accepted.",
            ["channel", "template", "language"],
        )
        self.failed = new.counter(
            "mo_notifications_failed_total", "Messages given up on.", ["channel", "reason"]
        )
        self.pending = new.gauge(
            "mo_notifications_pending_deliveries", "Deliveries waiting to be sent."
        )
        self.in_flight_at_start = new.gauge(
            "mo_notifications_in_flight_at_start",
            "Deliveries leased and not recorded when the dispatcher started: what a stopped "
            "dispatcher had claimed (at most its concurrency of them had been sent, which a "
            "gateway ignoring Idempotency-Key may repeat).",
        )
        self.late = new.counter(
            "mo_notifications_late_outcomes_total",
            "Outcomes not recorded because the delivery's lease had passed to another.",
        )
        self.unanswered = new.counter(
            "mo_notifications_unanswered_total",
            "SMS commands not answered: the number had its answers for the day.",
        )
        self.latency = new.histogram(
            "mo_notifications_delivery_seconds",
            "From the delivery's creation to its sending.",
            buckets=(0.1, 0.5, 1, 5, 30, 60, 300, 3600, 6 * 3600, 12 * 3600),
        )
