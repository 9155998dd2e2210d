"""Read what lands on a real topic from the moment a test starts looking."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from types import TracebackType

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

from deploy.bus_setup import ensure_topics
from shared.kafka_security import options


class TopicTail:
    """Assigns every partition of `topic` at its current end, so a test sees only what is
    published after it entered, whatever other tests left on the topic."""

    def __init__(self, bootstrap: str, *topics: str, from_beginning: bool = False) -> None:
        self.bootstrap = bootstrap
        self.topics = topics
        self.from_beginning = from_beginning
        self._consumer: AIOKafkaConsumer | None = None

    async def __aenter__(self) -> TopicTail:
        await ensure_topics(self.bootstrap, self.topics)
        consumer = AIOKafkaConsumer(
            **options(), bootstrap_servers=self.bootstrap, enable_auto_commit=False, group_id=None
        )
        await consumer.start()
        assigned: list[TopicPartition] = []
        deadline = time.monotonic() + 10
        while len({tp.topic for tp in assigned}) < len(self.topics) and time.monotonic() < deadline:
            cluster = await consumer._client.fetch_all_metadata()
            assigned = [
                TopicPartition(topic, p)
                for topic in self.topics
                for p in cluster.partitions_for_topic(topic) or ()
            ]
        if len({tp.topic for tp in assigned}) < len(self.topics):
            await consumer.stop()
            raise AssertionError(f"no partitions for some of {self.topics}")
        consumer.assign(assigned)
        if self.from_beginning:
            await consumer.seek_to_beginning(*assigned)
        else:
            await consumer.seek_to_end(*assigned)
        for tp in assigned:  # resolve the end offsets now, before anything is published
            await consumer.position(tp)
        self._consumer = consumer
        return self

    async def __aexit__(
        self, *exc: type[BaseException] | BaseException | TracebackType | None
    ) -> None:
        if self._consumer is not None:
            await self._consumer.stop()

    async def poll(self, timeout_ms: int = 200) -> list[ConsumerRecord]:
        """What arrived since the last poll (or collect)."""
        assert self._consumer is not None
        batches = await self._consumer.getmany(timeout_ms=timeout_ms)
        return [record for records in batches.values() for record in records]

    async def collect(
        self,
        match: Callable[[ConsumerRecord], bool],
        expected: int,
        timeout: float = 20.0,
        settle: float = 0.0,
    ) -> list[ConsumerRecord]:
        """Records that `match`, once `expected` have arrived (or `timeout` passed), then
        `settle` seconds more so a duplicate would show up too."""
        assert self._consumer is not None
        found: list[ConsumerRecord] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(found) >= expected:
                deadline = min(deadline, time.monotonic() + settle)
                if settle == 0:
                    break
            batches = await self._consumer.getmany(timeout_ms=200)
            for records in batches.values():
                found.extend(r for r in records if match(r))
            await asyncio.sleep(0)
        return found


async def publish_raw(
    bootstrap: str,
    topic: str,
    values: Sequence[tuple[bytes | None, bytes]],
    headers: dict[str, str] | None = None,
) -> None:
    """Put messages on a topic the way another service would (or a broken one might)."""
    from aiokafka import AIOKafkaProducer

    producer = AIOKafkaProducer(**options(), bootstrap_servers=bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        encoded = [(k, v.encode()) for k, v in (headers or {}).items()]
        for key, value in values:
            await producer.send(topic, value=value, key=key, headers=encoded)
        await producer.flush()
    finally:
        await producer.stop()


async def fresh_group(bootstrap: str, *topics: str, owner: str) -> str:
    """A consumer group of the test's own whose committed offsets are the topics' current
    ends: the service under test sees what the test publishes, not what others left. Named
    after `owner`, the service, whose principal may use only groups named so."""
    import uuid

    group = f"{owner}-test-{uuid.uuid4().hex[:10]}"
    await start_at_end(bootstrap, group, topics)
    return group


async def start_at_end(bootstrap: str, group: str, topics: Sequence[str]) -> None:
    """Commit the topics' current ends as `group`'s offsets."""
    from aiokafka.structs import OffsetAndMetadata

    await ensure_topics(bootstrap, topics)
    consumer = AIOKafkaConsumer(
        **options(), bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False
    )
    await consumer.start()
    try:
        cluster = await consumer._client.fetch_all_metadata()
        partitions = [
            TopicPartition(t, p) for t in topics for p in cluster.partitions_for_topic(t) or ()
        ]
        consumer.assign(partitions)
        ends = await consumer.end_offsets(partitions)
        await consumer.commit({tp: OffsetAndMetadata(offset, "") for tp, offset in ends.items()})
    finally:
        await consumer.stop()
