"""Routing on the real broker, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from shared.catalogue import CATEGORIES, DEPARTMENTS
from shared.events import CONTENT_TYPE, parse_event
from shared.topics import DEADLETTER, REQUESTS_LOGGED, department_topic
from tests.support.intake import request_body, running_intake
from tests.support.kafka import TopicTail, fresh_group, publish_raw
from tests.support.processes import ServiceProcess
from tests.support.routing import logged_event, running_routing

pytestmark = pytest.mark.integration

DEPT_TOPICS = [department_topic(d.slug) for d in DEPARTMENTS]
# The address stays: the department must find the burst pipe. Contact details never travel.
PERSONAL = (b"Nomsa", b"Dlamini", b"825550199", b"example.org", b"123456789")
HEADERS = {"content-type": CONTENT_TYPE}


def keyed(*references: str):
    keys = {r.encode() for r in references}
    return lambda record: record.key in keys


async def test_a_poison_message_is_dead_lettered_and_the_next_one_still_routed(
    database_url: str, kafka_bootstrap: str
) -> None:
    good = logged_event(category="valuations")
    poison_key = good.subject.encode()  # same key: same partition, just before the good one
    bad_data = logged_event().model_copy(
        update={"data": {"reference": good.subject, "phone": "0825550199"}}
    )
    async with (
        TopicTail(kafka_bootstrap, *DEPT_TOPICS) as departments,
        TopicTail(kafka_bootstrap, DEADLETTER) as deadletters,
        running_routing(database_url, kafka_bootstrap) as routing,
    ):
        await publish_raw(
            kafka_bootstrap,
            REQUESTS_LOGGED,
            [
                (poison_key, b"{not json"),
                (poison_key, bad_data.to_bytes()),
                (good.key, good.to_bytes()),
            ],
            HEADERS,
        )
        routed = await departments.collect(keyed(good.subject), expected=1, timeout=30)
        dead = await deadletters.collect(keyed(good.subject), expected=2, timeout=10, settle=1)
    assert [r.topic for r in routed] == ["mo.dept.valuations"]
    assert len(dead) == 2
    for record in dead:
        headers = {k: v.decode() for k, v in record.headers}
        assert headers["x-deadletter-consumer"] == routing.app.state.consumer.name
        assert headers["x-original-topic"] == REQUESTS_LOGGED
        assert headers["x-deadletter-reason"]
        assert b"825550199" not in record.value


async def test_routing_killed_mid_batch_loses_nothing_and_doubles_nothing(
    database_url: str, kafka_bootstrap: str, tmp_path: Path
) -> None:
    events = [logged_event(category=c.code) for c in CATEGORIES for _ in range(40)]
    references = {e.subject for e in events}
    log = tmp_path / "routing.log"
    relay_batch = 100  # outbox rows: an assignment and a routed event per request
    routing = ServiceProcess(
        "routing",
        {
            "MO_ROUTING_DATABASE_URL": database_url,
            "MO_KAFKA_BOOTSTRAP": kafka_bootstrap,
            "MO_ROUTING_CONSUMER_GROUP": await fresh_group(
                kafka_bootstrap, REQUESTS_LOGGED, owner="routing"
            ),
            "MO_ROUTING_OUTBOX_BATCH_SIZE": str(relay_batch),
        },
        log,
    )
    by_reference: dict[str, set[str]] = defaultdict(set)
    raw = 0
    async with TopicTail(kafka_bootstrap, *DEPT_TOPICS) as departments:
        await publish_raw(
            kafka_bootstrap, REQUESTS_LOGGED, [(e.key, e.to_bytes()) for e in events], HEADERS
        )
        try:
            await asyncio.to_thread(routing.start)
            first = await departments.collect(
                keyed(*references), expected=len(events) // 4, timeout=60
            )
            routing.kill()
            await asyncio.to_thread(routing.start)
            rest = await departments.collect(
                keyed(*references), expected=len(events) - len(first), timeout=90, settle=3
            )
        finally:
            routing.stop()
    for record in [*first, *rest]:
        by_reference[record.key.decode()].add(str(parse_event(record.value).id))
        raw += 1
    print(f"\nassignments: {raw} messages, {len(by_reference)} of {len(references)} references")
    assert set(by_reference) == references  # nothing lost
    # Nothing doubled: one assignment per request. (A message re-sent by the outbox after the
    # kill carries the same event id, which every consumer drops.)
    assert all(len(ids) == 1 for ids in by_reference.values())
    # The kill can fall between the relay publishing a batch and deleting its rows: that one
    # batch goes out again on restart, and nothing more.
    assert raw - len(references) <= relay_batch


async def test_a_department_acknowledgement_reaches_the_residents_follow_up(
    make_database: Callable[[], Awaitable[str]], kafka_bootstrap: str
) -> None:
    intake_db, routing_db = await make_database(), await make_database()
    async with (
        running_intake(intake_db, kafka_bootstrap) as intake,
        running_routing(routing_db, kafka_bootstrap) as routing,
        TopicTail(kafka_bootstrap, "mo.dept.solid-waste") as department,
    ):
        created = await intake.post(
            request_body(category="bins", description="Bin stolen on Monday")
        )
        reference = created.json()["reference"]
        [assignment] = await department.collect(keyed(reference), expected=1, timeout=30)
        assert parse_event(assignment.value).data["department"] == "solid-waste"
        response = await routing.report(
            reference, "solid-waste", "acknowledged", "New bin on order", public=True
        )
        assert response.status_code == 202
        view = {}
        for _ in range(100):
            view = (await intake.client.get(f"/v1/requests/{reference}")).json()
            if view["status"] == "acknowledged":
                break
            await asyncio.sleep(0.2)
    assert view["status"] == "acknowledged"
    assert view["department"] == "solid-waste"
    assert [h["status"] for h in view["history"]] == ["logged", "routed", "acknowledged"]
    assert view["history"][-1]["note"] == "New bin on order"
