"""Kafka plumbing every service uses: the publisher the outbox relays through, and the check that
its topics exist (the operator's step makes them: deploy/bus_setup.py)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence
from typing import Protocol

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient

from shared.kafka_security import options

__all__ = [
    "KafkaPublisher",
    "MissingTopics",
    "Publisher",
    "require_topics",
]

log = logging.getLogger(__name__)


class Publisher(Protocol):
    """What the outbox relay needs from the bus; tests pass an in-memory one."""

    async def send(
        self, topic: str, value: bytes, key: bytes, headers: Sequence[tuple[str, bytes]]
    ) -> asyncio.Future[object]:
        """Queue a message; the returned future settles once the broker has it."""
        ...

    async def ping(self) -> bool: ...

    async def stop(self) -> None: ...


class KafkaPublisher:
    """An idempotent aiokafka producer (hence acks=all): a retried send never duplicates or
    reorders a message within a partition."""

    def __init__(self, producer: AIOKafkaProducer) -> None:
        self._producer = producer

    @classmethod
    async def connect(cls, bootstrap: str, client_id: str, topics: Sequence[str]) -> KafkaPublisher:
        await require_topics(bootstrap, topics)
        producer = AIOKafkaProducer(
            **options(),
            bootstrap_servers=bootstrap,
            client_id=client_id,
            enable_idempotence=True,
            linger_ms=5,
            request_timeout_ms=15_000,
            retry_backoff_ms=200,
        )
        try:
            await producer.start()
        except BaseException:
            await producer.stop()
            raise
        return cls(producer)

    async def send(
        self, topic: str, value: bytes, key: bytes, headers: Sequence[tuple[str, bytes]]
    ) -> asyncio.Future[object]:
        future: asyncio.Future[object] = await self._producer.send(
            topic, value=value, key=key, headers=list(headers)
        )
        return future

    async def ping(self) -> bool:
        """Ask a broker for the cluster's metadata: an open socket alone proves little."""
        try:
            async with asyncio.timeout(2.0):
                await self._producer.client.fetch_all_metadata()
            return True
        except Exception:
            return False

    async def stop(self) -> None:
        async with asyncio.timeout(5.0):
            await self._producer.stop()


class MissingTopics(RuntimeError):
    """A service's topics are not there (or its principal may not see them)."""


async def require_topics(bootstrap: str, topics: Iterable[str]) -> None:
    """Services never make topics (their principals may not): the operator's step does, and a
    service started before it waits (its caller retries) with this said in its log."""
    admin = AIOKafkaAdminClient(**options(), bootstrap_servers=bootstrap, request_timeout_ms=10_000)
    await admin.start()
    try:
        visible = set(await admin.list_topics())
    finally:
        await admin.close()
    if missing := [t for t in dict.fromkeys(topics) if t not in visible]:
        raise MissingTopics(
            f"topics {', '.join(missing)} do not exist or this principal may not describe them: "
            "`python -m deploy.bus_setup` makes them and grants access (make run runs it)"
        )
