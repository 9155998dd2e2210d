"""The tests' broker as every broker runs: SASL/SCRAM and the ACLs of deploy/kafka/bus_access.py.
A client without the right password gets nothing; a service's own principal gets exactly its
row of the table (each refusal beside something the same principal may do, so a refusal
cannot come from a broken login)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import (
    GroupAuthorizationFailedError,
    KafkaConnectionError,
    TopicAuthorizationFailedError,
)

from deploy.kafka.acls import GROUP, LITERAL, READ, Binding, apply_acls, bindings
from deploy.kafka.principals import client_env
from shared.kafka_security import security
from shared.topics import (
    NOTIFICATIONS,
    PRIVACY_REQUESTS,
    REQUESTS_LOGGED,
    REQUESTS_REOPEN,
    REQUESTS_ROUTED,
    REQUESTS_STATUS,
    privacy_answers,
)

pytestmark = pytest.mark.integration


def as_principal(principal: str, **changes: str) -> dict[str, Any]:
    return security({**client_env(principal), **changes}).options()


async def produce(bootstrap: str, principal: str, topic: str) -> None:
    producer = AIOKafkaProducer(
        **as_principal(principal), bootstrap_servers=bootstrap, enable_idempotence=True
    )
    await producer.start()
    try:
        await producer.send_and_wait(topic, b"{}", key=b"test-access")
    finally:
        await producer.stop()


async def consume(bootstrap: str, principal: str, topic: str, group: str | None = None) -> None:
    consumer = AIOKafkaConsumer(
        topic,
        **as_principal(principal),
        bootstrap_servers=bootstrap,
        group_id=group or f"{principal}-test-access",
        auto_offset_reset="latest",
    )
    try:
        await consumer.start()
        await consumer.getmany(timeout_ms=1000)
    finally:
        await consumer.stop()


async def list_topics(bootstrap: str, security_options: dict[str, Any]) -> list[str]:
    admin = AIOKafkaAdminClient(
        **security_options, bootstrap_servers=bootstrap, request_timeout_ms=5000
    )
    try:
        await admin.start()
        return list(await admin.list_topics())
    finally:
        await admin.close()


async def test_without_credentials_or_with_a_wrong_password_nothing_is_served(
    kafka_bootstrap: str,
) -> None:
    assert REQUESTS_LOGGED in await list_topics(kafka_bootstrap, as_principal("admin"))
    wrong = as_principal("admin", MO_KAFKA_SASL_PASSWORD="not the password")
    for refused in ({}, wrong):  # plaintext, no login; then SCRAM with a wrong password
        with pytest.raises(KafkaConnectionError):
            async with asyncio.timeout(30):
                await list_topics(kafka_bootstrap, refused)
        producer = AIOKafkaProducer(**refused, bootstrap_servers=kafka_bootstrap)
        with pytest.raises(KafkaConnectionError):
            async with asyncio.timeout(30):
                await producer.start()
        await producer.stop()


async def test_notifications_cannot_write_a_status_change(kafka_bootstrap: str) -> None:
    await produce(kafka_bootstrap, "notifications", NOTIFICATIONS)  # its own topic: fine
    with pytest.raises(TopicAuthorizationFailedError):
        await produce(kafka_bootstrap, "notifications", REQUESTS_STATUS)


async def test_scheduling_cannot_read_the_residents_requests(kafka_bootstrap: str) -> None:
    await consume(kafka_bootstrap, "scheduling", REQUESTS_ROUTED)
    with pytest.raises(TopicAuthorizationFailedError):
        await consume(kafka_bootstrap, "scheduling", REQUESTS_LOGGED)


async def test_intake_cannot_read_a_departments_topic(kafka_bootstrap: str) -> None:
    await consume(kafka_bootstrap, "intake", REQUESTS_STATUS)
    with pytest.raises(TopicAuthorizationFailedError):
        await consume(kafka_bootstrap, "intake", "mo.dept.water-and-sanitation")


async def test_the_observer_reads_everything_but_the_residents_requests(
    kafka_bootstrap: str,
) -> None:
    await apply_acls(kafka_bootstrap)  # the table of this tree, whoever applied one since
    await consume(kafka_bootstrap, "observer", REQUESTS_STATUS)
    for personal in (REQUESTS_LOGGED, "mo.dept.water-and-sanitation", REQUESTS_REOPEN):
        with pytest.raises(TopicAuthorizationFailedError):
            await consume(kafka_bootstrap, "observer", personal)


async def test_only_intake_asks_privacy_requests_and_each_service_writes_only_its_answers(
    kafka_bootstrap: str,
) -> None:
    await apply_acls(kafka_bootstrap)  # the table of this tree, whoever applied one since
    await produce(kafka_bootstrap, "intake", PRIVACY_REQUESTS)
    await produce(kafka_bootstrap, "notifications", privacy_answers("notifications"))
    await produce(kafka_bootstrap, "routing", privacy_answers("routing"))
    forged = (
        ("intake", privacy_answers("notifications")),  # an erasure "done" that was not
        ("intake", privacy_answers("routing")),
        ("routing", privacy_answers("notifications")),
        ("notifications", privacy_answers("routing")),
        ("routing", PRIVACY_REQUESTS),
        ("notifications", PRIVACY_REQUESTS),  # a correction redirecting someone's texts
    )
    for principal, topic in forged:
        with pytest.raises(TopicAuthorizationFailedError):
            await produce(kafka_bootstrap, principal, topic)


async def test_only_notifications_reads_the_identifiers_of_privacy_requests(
    kafka_bootstrap: str,
) -> None:
    await apply_acls(kafka_bootstrap)
    await consume(kafka_bootstrap, "notifications", PRIVACY_REQUESTS)
    await consume(kafka_bootstrap, "routing", privacy_answers("notifications"))
    await consume(kafka_bootstrap, "intake", privacy_answers("routing"))
    for principal in ("routing", "intake", "scheduling", "observer"):
        with pytest.raises(TopicAuthorizationFailedError):
            await consume(kafka_bootstrap, principal, PRIVACY_REQUESTS)


async def test_a_service_uses_only_its_own_consumer_groups(kafka_bootstrap: str) -> None:
    with pytest.raises(GroupAuthorizationFailedError):
        await consume(kafka_bootstrap, "routing", REQUESTS_LOGGED, group="notifications")


async def test_the_table_is_applied_idempotently_and_a_stray_grant_is_taken_off(
    kafka_bootstrap: str,
) -> None:
    stray = Binding("User:observer", GROUP, "routing", LITERAL, READ)
    assert stray not in bindings()
    assert await apply_acls(kafka_bootstrap, {*bindings(), stray}) == (1, 0)
    assert await apply_acls(kafka_bootstrap) == (0, 1)  # the table again: the stray goes
    assert await apply_acls(kafka_bootstrap) == (0, 0)
