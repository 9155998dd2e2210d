"""How every topic is made and kept: replication and the in-sync replicas `acks=all` waits
for, and a short retention for `mo.requests.logged`, the one topic with residents' names and
phone numbers. From the environment, the same for every service and tool:

- `MO_KAFKA_REPLICATION_FACTOR` (default 1: one node; 3 on a three-node cluster),
- `min.insync.replicas` = replication factor - 1, at least 1 (one node may be lost),
- `MO_KAFKA_LOGGED_RETENTION_HOURS` (default 96): a consumer down from Friday evening to
  Monday morning still finds every request; a week (Kafka's default) would keep contact
  details longer than any consumer needs them."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Final

from shared.topics import PRIVACY, REQUESTS_LOGGED

__all__ = ["TopicPolicy", "policy"]

_HOUR_MS: Final = 3_600_000


@dataclass(frozen=True, slots=True)
class TopicPolicy:
    replication_factor: int = 1
    logged_retention_hours: int = 96

    @property
    def min_insync_replicas(self) -> int:
        return max(1, self.replication_factor - 1)

    def configs(self, topic: str) -> dict[str, str]:
        """The topic-level settings a topic is created with and kept at."""
        configs = {"min.insync.replicas": str(self.min_insync_replicas)}
        if topic in (REQUESTS_LOGGED, PRIVACY):  # the two topics with residents' details
            configs["retention.ms"] = str(self.logged_retention_hours * _HOUR_MS)
        return configs


def policy() -> TopicPolicy:
    """The policy the environment sets (a wrong value stops the caller with its name)."""
    values = {}
    for name, variable in (
        ("replication_factor", "MO_KAFKA_REPLICATION_FACTOR"),
        ("logged_retention_hours", "MO_KAFKA_LOGGED_RETENTION_HOURS"),
    ):
        raw = os.environ.get(variable)
        if raw is None:
            continue
        if not raw.isdigit() or int(raw) < 1:
            raise SystemExit(f"{variable}={raw!r}: must be a whole number of at least 1")
        values[name] = int(raw)
    return TopicPolicy(**values)
