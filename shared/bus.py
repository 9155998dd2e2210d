"""The FastStream side of a service: its Kafka broker (consumers, dead letters, AsyncAPI) and
the batch subscriptions that feed `EventConsumer`s.

Every subscription commits offsets by hand (AckPolicy.MANUAL), and only after the batch's
transaction has committed and its dead letters are on the broker: FastStream's default
(ack first) and REJECT_ON_ERROR would both commit a resident's request before it was handled.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from aiokafka import TopicPartition
from faststream import AckPolicy, StreamMessage
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from prometheus_client import CollectorRegistry
from sqlalchemy import Table

from shared.background import Background
from shared.backoff import Backoff
from shared.clock import Clock
from shared.consumer import ConsumerMetrics, EventConsumer, Record, RetryLater, Route
from shared.kafka import require_topics
from shared.kafka_security import faststream_security
from shared.store import Database

__all__ = ["BusRunner", "consume", "consumed_topics", "new_broker", "subscribe"]

log = logging.getLogger(__name__)


def new_broker(bootstrap: str, service: str, registry: CollectorRegistry) -> KafkaBroker:
    return KafkaBroker(
        # A list: FastStream wraps a string in one, and "a:9092,b:9092" is then one host
        # named "a:9092,b:9092" (every service failed to start on a three-node cluster).
        [server.strip() for server in bootstrap.split(",")],
        security=faststream_security(),
        client_id=service,
        allow_auto_create_topics=False,  # the operator's step makes topics; require_topics waits
        enable_idempotence=True,
        middlewares=[KafkaPrometheusMiddleware(registry=registry, app_name=service)],
        logger=logging.getLogger(f"{service}.bus"),
        log_level=logging.DEBUG,  # a line per message is too much at INFO
    )


def subscribe(
    broker: KafkaBroker,
    topics: Sequence[str],
    consumer: EventConsumer,
    metrics: ConsumerMetrics,
    *,
    description: str,
    max_records: int = 1000,
) -> None:
    """Feed `topics` to `consumer` in batches, as the consumer group `consumer.name` (one
    subscriber for all of them: members of one group should subscribe alike)."""
    retry = Backoff()

    @broker.subscriber(
        *topics,
        group_id=consumer.name,
        batch=True,
        max_records=max_records,
        auto_offset_reset="earliest",  # a new group must not skip what came before it
        ack_policy=AckPolicy.MANUAL,
        title=f"{','.join(topics)}:{consumer.name}",
        description=description,
        decoder=_undecoded,
    )
    async def on_batch(body: list[Any], msg: KafkaMessage) -> None:
        records: list[Record] = list(msg.raw_message)
        try:
            await consumer.process(records)
        except RetryLater as exc:
            delay = retry.next()
            log.warning("%s: %s; retrying the batch in %.1fs", consumer.name, exc, delay)
            await msg.nack()  # rewinds to the batch's first record
            await asyncio.sleep(delay)
            return
        retry.reset()
        await msg.ack()
        _record_lag(msg, records, consumer.name, metrics)


async def _undecoded(msg: StreamMessage[Any]) -> list[Any]:
    """The consumer reads each record raw (`EventConsumer` parses it as a CloudEvent), so
    FastStream's own decoding of every message of a batch as JSON would be thrown away (about
    4% of routing's time in a profile under load)."""
    return []


def _record_lag(
    msg: KafkaMessage, records: list[Record], name: str, metrics: ConsumerMetrics
) -> None:
    client = getattr(msg, "consumer", None)
    highwater = getattr(client, "highwater", None)
    if highwater is None:
        return  # the in-memory test broker has no offsets
    last: dict[tuple[str, int], int] = {}
    for record in records:
        last[(record.topic, record.partition)] = record.offset
    for (topic, partition), offset in last.items():
        end = highwater(TopicPartition(topic, partition))
        if end is not None:
            metrics.lag.labels(name, topic, str(partition)).set(max(0, end - offset - 1))


class BusRunner:
    """Starts the FastStream broker in the background, retrying while Kafka is unreachable,
    so the service's HTTP side (and its outbox) works through a broker outage."""

    def __init__(
        self, broker: KafkaBroker, prepare: Callable[[], Awaitable[None]] | None = None
    ) -> None:
        self._broker = broker
        self._prepare = prepare
        self._starting = Background("bus-start", self._run)
        self.started = False

    def start(self) -> None:
        self._starting.start()

    async def _run(self) -> None:
        backoff = Backoff()
        while True:
            try:
                if self._prepare is not None:
                    await self._prepare()
                await self._broker.start()
                self.started = True
                log.info("consumers started")
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                delay = backoff.next()
                log.warning("cannot start consumers (%s); retrying in %.1fs", exc, delay)
                await self._broker.stop()
                await asyncio.sleep(delay)

    async def ping(self) -> bool:
        return self.started and await self._broker.ping(timeout=2.0)

    async def stop(self) -> None:
        await self._starting.stop()
        await self._broker.stop()


def consumed_topics(routes: Sequence[Route]) -> list[str]:
    """The topics the routed event types travel on, each once."""
    return list(dict.fromkeys(topic for route in routes for topic in route.topics))


def consume(
    broker: KafkaBroker,
    *,
    bootstrap: str,
    group: str,
    db: Database,
    inbox: Table,
    routes: Sequence[Route],
    registry: CollectorRegistry,
    service: str,
    description: str,
    required_topics: Sequence[str] | None,
    clock: Clock,
) -> tuple[EventConsumer, BusRunner]:
    """A service's consumer, end to end: the topics of `routes` fed in batches to an
    `EventConsumer` (dead letters published through `broker`), started by a `BusRunner` that
    first waits for `required_topics` to exist (None: leave topics alone, as on the in-memory
    test broker)."""
    metrics = ConsumerMetrics(registry, service)

    async def send_raw(
        topic: str, value: bytes, key: bytes | None, headers: dict[str, str]
    ) -> None:
        await broker.publish(value, topic, key=key, headers=headers)

    consumer = EventConsumer(group, db, inbox, routes, send_raw, metrics, clock)
    if routes:
        subscribe(broker, consumed_topics(routes), consumer, metrics, description=description)
    prepare = (
        None if required_topics is None else (lambda: require_topics(bootstrap, required_topics))
    )
    return consumer, BusRunner(broker, prepare=prepare)
