"""What the cluster fault tests ask of a three-node cluster: which node leads the busiest
partition of a topic, and when every partition has its replicas back in sync."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from shared.kafka_security import options


async def _described(bootstrap: str, topics: Sequence[str]) -> list[dict[str, Any]]:
    admin = AIOKafkaAdminClient(**options(), bootstrap_servers=bootstrap, request_timeout_ms=5000)
    await admin.start()
    try:
        return list(await admin.describe_topics(list(topics)))
    finally:
        await admin.close()


async def busiest_partition_leader(bootstrap: str, topic: str) -> tuple[int, int]:
    """(partition, leader's node id) of the partition of `topic` holding the most records."""
    consumer = AIOKafkaConsumer(**options(), bootstrap_servers=bootstrap, group_id=None)
    await consumer.start()
    try:
        metadata = await consumer._client.fetch_all_metadata()
        partitions = [TopicPartition(topic, p) for p in metadata.partitions_for_topic(topic) or ()]
        ends = await consumer.end_offsets(partitions)
    finally:
        await consumer.stop()
    busiest = max(ends, key=lambda tp: ends[tp]).partition
    [described] = await _described(bootstrap, [topic])
    leaders = {p["partition"]: p["leader"] for p in described["partitions"]}
    return busiest, int(leaders[busiest])


async def wait_in_sync(
    bootstrap: str, topics: Sequence[str], replicas: int, timeout: float
) -> float:
    """Wait until every partition of `topics` has `replicas` in sync (a node restarted has
    caught up); answers the seconds it took. An operator restarts the next node only then."""
    started = time.monotonic()
    while True:
        try:
            described = await _described(bootstrap, topics)
            lagging = [
                (t["topic"], p["partition"])
                for t in described
                for p in t["partitions"]
                if len(p["isr"]) < replicas
            ]
        except Exception as error:  # a node still starting may not answer yet
            lagging = [("?", str(error))]
        if not lagging:
            return time.monotonic() - started
        if time.monotonic() - started > timeout:
            raise AssertionError(
                f"partitions still out of sync after {timeout:.0f}s: {lagging[:5]}"
            )
        await asyncio.sleep(1)
