"""Read what lands on a real topic from the moment a test starts looking."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from types import TracebackType

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

from shared.kafka import ensure_topics


class TopicTail:
    """Assigns every partition of `topic` at its current end, so a test sees only what is
    published after it entered, whatever other tests left on the topic."""

    def __init__(self, bootstrap: str, topic: str, from_beginning: bool = False) -> None:
        self.bootstrap = bootstrap
        self.topic = topic
        self.from_beginning = from_beginning
        self._consumer: AIOKafkaConsumer | None = None

    async def __aenter__(self) -> TopicTail:
        await ensure_topics(self.bootstrap, [self.topic])
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap, enable_auto_commit=False, group_id=None
        )
        await consumer.start()
        partitions = None
        deadline = time.monotonic() + 10
        while not partitions and time.monotonic() < deadline:
            cluster = await consumer._client.fetch_all_metadata()
            partitions = cluster.partitions_for_topic(self.topic)
        if not partitions:
            await consumer.stop()
            raise AssertionError(f"no partitions for {self.topic}")
        assigned = [TopicPartition(self.topic, p) for p in partitions]
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
