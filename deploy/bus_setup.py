"""`python -m deploy.bus_setup`: the operator's step that readies the bus, as `admin`:
every topic of the registry (and the dead letters) made and kept to the policy of
deploy/kafka/topic_policy.py (replication factor, `min.insync.replicas`, the short retention and
hourly segments of the topics with residents' details), and the brokers' ACLs kept to the
table of deploy/kafka/bus_access.py.
Services never make topics: they wait for this step. Idempotent; `make run` runs it before the
services start. The broker is MO_KAFKA_BOOTSTRAP (default 127.0.0.1:9092), reached with the
MO_KAFKA_* settings of shared/kafka_security.py."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import Iterable

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import TopicAlreadyExistsError

from deploy.kafka.acls import apply_acls
from deploy.kafka.topic_policy import policy
from shared.kafka_security import options
from shared.topics import DEADLETTER, DEFAULT_PARTITIONS

__all__ = ["apply_policy", "bus_topics", "ensure_topics", "main", "set_up_bus"]

log = logging.getLogger(__name__)


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


def main() -> int:
    bootstrap = os.environ.get("MO_KAFKA_BOOTSTRAP", "127.0.0.1:9092")
    created, deleted = asyncio.run(set_up_bus(bootstrap))
    kept = policy()
    print(
        f"bus: {len(bus_topics())} topics on {bootstrap}, replication factor "
        f"{kept.replication_factor}, min.insync.replicas {kept.min_insync_replicas}, "
        f"mo.requests.logged kept {kept.logged_retention_hours} h; ACLs {created} created, "
        f"{deleted} deleted (deploy/kafka/bus_access.py)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
