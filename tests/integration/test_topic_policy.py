"""Topics as the policy makes them (deploy/kafka/topic_policy.py): six partitions, the replication
factor and the in-sync replicas `acks=all` waits for, a retention of days, not Kafka's week,
for the topics with residents' contact details, segments rolled well inside each retention
(Kafka never deletes the segment being written), and dead letters kept a week at most."""

from __future__ import annotations

from typing import Any

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from deploy.bus_setup import apply_policy
from deploy.kafka.topic_policy import TopicPolicy, policy
from shared.kafka_security import options
from shared.topics import (
    DEADLETTER,
    DEFAULT_PARTITIONS,
    PERSONAL_TOPICS,
    REQUESTS_LOGGED,
    REQUESTS_STATUS,
)

pytestmark = pytest.mark.integration
HOUR_MS = 3_600_000


async def settings_of(bootstrap: str, topics: list[str]) -> dict[str, dict[str, Any]]:
    admin = AIOKafkaAdminClient(**options(), bootstrap_servers=bootstrap)
    await admin.start()
    try:
        described = {t["topic"]: t for t in await admin.describe_topics(topics)}
        resources = [ConfigResource(ConfigResourceType.TOPIC, t) for t in topics]
        found: dict[str, dict[str, Any]] = {}
        for response in await admin.describe_configs(resources):
            for resource in response.resources:
                name, entries = resource[3], resource[4]
                configs = {entry[0]: entry[1] for entry in entries}
                partitions = described[name]["partitions"]
                found[name] = {
                    "partitions": len(partitions),
                    "replicas": {len(p["replicas"]) for p in partitions},
                    **configs,
                }
        return found
    finally:
        await admin.close()


async def test_topics_are_made_and_kept_as_the_policy_says(kafka_bootstrap: str) -> None:
    await apply_policy(kafka_bootstrap, [REQUESTS_LOGGED, REQUESTS_STATUS])
    found = await settings_of(kafka_bootstrap, [REQUESTS_LOGGED, REQUESTS_STATUS])
    kept = policy()
    for topic in (REQUESTS_LOGGED, REQUESTS_STATUS):
        assert found[topic]["partitions"] == DEFAULT_PARTITIONS
        assert found[topic]["replicas"] == {kept.replication_factor}
        assert found[topic]["min.insync.replicas"] == str(kept.min_insync_replicas)
    retention = kept.logged_retention_hours * HOUR_MS
    assert found[REQUESTS_LOGGED]["retention.ms"] == str(retention)
    assert int(found[REQUESTS_STATUS]["retention.ms"]) == 168 * HOUR_MS  # the broker's week


async def test_personal_topics_roll_hourly_and_dead_letters_go_within_a_week(
    kafka_bootstrap: str,
) -> None:
    """Read back from the broker: what is in force, on topics that existed before (the
    fixture made them with the settings of the day) as well as new ones."""
    topics = sorted({*PERSONAL_TOPICS, DEADLETTER, REQUESTS_STATUS})
    await apply_policy(kafka_bootstrap, topics)
    found = await settings_of(kafka_bootstrap, topics)
    retention = policy().logged_retention_hours * HOUR_MS
    for topic in PERSONAL_TOPICS:
        assert int(found[topic]["retention.ms"]) == retention
        assert int(found[topic]["segment.ms"]) == HOUR_MS
    assert int(found[DEADLETTER]["retention.ms"]) <= 7 * 24 * HOUR_MS
    assert int(found[DEADLETTER]["segment.ms"]) <= 24 * HOUR_MS
    assert int(found[REQUESTS_STATUS]["segment.ms"]) <= 24 * HOUR_MS


def test_a_short_retention_rolls_its_segments_sooner() -> None:
    configs = TopicPolicy(logged_retention_hours=4).configs(REQUESTS_LOGGED)
    assert int(configs["segment.ms"]) < int(configs["retention.ms"])


def test_by_default_contact_details_stay_four_days_on_one_node() -> None:
    default = policy()
    assert (default.replication_factor, default.min_insync_replicas) == (1, 1)
    assert default.logged_retention_hours == 96
