"""How every topic is made and kept: replication and the in-sync replicas `acks=all` waits
for, a short retention for the topics with residents' contact details, and segments rolled
often enough that retention means what it says. From the environment, the same for every
service and tool:

- `MO_KAFKA_REPLICATION_FACTOR` (default 1: one node; 3 on a three-node cluster),
- `min.insync.replicas` = replication factor - 1, at least 1 (one node may be lost),
- `MO_KAFKA_LOGGED_RETENTION_HOURS` (default 96): a consumer down from Friday evening to
  Monday morning still finds every request; a week (Kafka's default) would keep contact
  details longer than any consumer needs them.

Kafka deletes whole segments only, and never the one being written: a record lives its
retention plus the age of its segment when it closes (`segment.ms`, a week by default). So
the personal topics roll every hour (a record outlives its retention by an hour at most),
`mo.deadletter` is kept a week and rolled daily, and every other topic rolls daily too."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from shared.kafka_security import KafkaSettings
from shared.topics import DEADLETTER, PERSONAL_TOPICS

__all__ = ["DEADLETTER_RETENTION_HOURS", "TopicPolicy", "policy"]

_HOUR_MS: Final = 3_600_000
DEADLETTER_RETENTION_HOURS: Final = 7 * 24
_PERSONAL_SEGMENT_HOURS: Final = 1
_SEGMENT_HOURS: Final = 24


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
        if topic in PERSONAL_TOPICS:
            retention, segment = self.logged_retention_hours, _PERSONAL_SEGMENT_HOURS
        elif topic == DEADLETTER:
            retention, segment = DEADLETTER_RETENTION_HOURS, _SEGMENT_HOURS
        else:
            retention, segment = None, _SEGMENT_HOURS  # the broker's week
        if retention is not None:
            configs["retention.ms"] = str(retention * _HOUR_MS)
            segment = min(segment, max(1, retention // 8))  # short retentions roll sooner
        configs["segment.ms"] = str(segment * _HOUR_MS)
        return configs


def policy() -> TopicPolicy:
    """The policy the environment sets (a wrong value stops the caller with its name)."""
    kept = KafkaSettings.from_env()
    return TopicPolicy(kept.replication_factor, kept.logged_retention_hours)
