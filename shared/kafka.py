"""Kafka plumbing every service uses: topic creation and the publisher the outbox relays through."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence
from typing import Protocol

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import TopicAlreadyExistsError

from shared.kafka_acls import apply_acls
from shared.kafka_security import options
from shared.topic_policy import policy
from shared.topics import DEADLETTER, DEFAULT_PARTITIONS

__all__ = [
    "KafkaPublisher",
    "MissingTopics",
    "Publisher",
    "apply_policy",
    "ensure_topics",
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
            "`python deploy/bus_setup.py` makes them and grants access (make run runs it)"
        )


async def ensure_topics(
    bootstrap: str, topics: Iterable[str], partitions: int = DEFAULT_PARTITIONS
) -> None:
    """Create the topics that do not exist yet (as admin: the operator's step and tests)."""
    admin = AIOKafkaAdminClient(**options(), bootstrap_servers=bootstrap, request_timeout_ms=10_000)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in dict.fromkeys(topics) if t not in existing]
        if not missing:
            return
        kept = policy()
        new = [
            NewTopic(
                t,
                num_partitions=partitions,
                replication_factor=kept.replication_factor,
                topic_configs=kept.configs(t),
            )
            for t in missing
        ]
        response = await admin.create_topics(new)
        for topic, code, *rest in response.topic_errors:
            # Another replica may have won the race: "already exists" is success.
            if code not in (0, TopicAlreadyExistsError.errno):
                raise RuntimeError(f"cannot create topic {topic}: error {code} {rest}")
        log.info("created topics %s", ", ".join(missing))
    finally:
        await admin.close()


async def apply_policy(bootstrap: str, topics: Iterable[str]) -> None:
    """Creates what is missing and brings every topic's settings to the policy (an operator's
    step, deploy/bus_setup.py, which `make run` runs: a topic made before keeps up too)."""
    wanted = list(dict.fromkeys(topics))
    await ensure_topics(bootstrap, wanted)
    kept = policy()
    admin = AIOKafkaAdminClient(**options(), bootstrap_servers=bootstrap, request_timeout_ms=10_000)
    await admin.start()
    try:
        resources = [
            ConfigResource(ConfigResourceType.TOPIC, t, configs=kept.configs(t)) for t in wanted
        ]
        for response in await admin.alter_configs(resources):
            for code, message, _, name in response.resources:
                if code != 0:
                    raise RuntimeError(f"cannot set the settings of topic {name}: {message}")
    finally:
        await admin.close()


def bus_topics() -> list[str]:
    """Every topic of the registry, and the dead letters."""
    from shared.contracts.registry import EVENTS  # the contracts import this module's users

    return sorted({t for spec in EVENTS for t in spec.topics} | {DEADLETTER})


async def set_up_bus(bootstrap: str) -> tuple[int, int]:
    """The operator's step (deploy/bus_setup.py), as admin: every topic made and kept to the
    policy, then the ACLs kept to their table; answers the ACLs (created, deleted)."""
    await apply_policy(bootstrap, bus_topics())
    return await apply_acls(bootstrap)
