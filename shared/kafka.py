"""Kafka plumbing every service uses: the idempotent producer and topic creation."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from shared.topics import DEFAULT_PARTITIONS

__all__ = ["ensure_topics", "new_producer"]

log = logging.getLogger(__name__)


def new_producer(bootstrap: str, client_id: str) -> AIOKafkaProducer:
    """Idempotent (hence acks=all) so a retried send never duplicates or reorders a message."""
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        client_id=client_id,
        enable_idempotence=True,
        linger_ms=5,
        request_timeout_ms=15_000,
        retry_backoff_ms=200,
    )


async def ensure_topics(
    bootstrap: str, topics: Iterable[str], partitions: int = DEFAULT_PARTITIONS
) -> None:
    """Create the topics that do not exist yet; safe to call from every replica at start."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10_000)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in dict.fromkeys(topics) if t not in existing]
        if not missing:
            return
        new = [NewTopic(t, num_partitions=partitions, replication_factor=1) for t in missing]
        response = await admin.create_topics(new)
        for topic, code, *rest in response.topic_errors:
            # Another replica may have won the race: "already exists" is success.
            if code not in (0, TopicAlreadyExistsError.errno):
                raise RuntimeError(f"cannot create topic {topic}: error {code} {rest}")
        log.info("created topics %s", ", ".join(missing))
        # Metadata reaches every broker component a moment after creation.
        await asyncio.sleep(0.2)
    finally:
        await admin.close()
